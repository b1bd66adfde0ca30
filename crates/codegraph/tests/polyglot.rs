//! A polyglot repository: every language beyond the first eight indexed,
//! its imports resolved to the files they name, calls across those files
//! linked, no edge between languages, and the coverage reported per
//! language (with the extensions no grammar handles).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde_json::Value;

mod common;
use common::json;

const FILES: &[(&str, &str)] = &[
    ("lib/shop/util.rb", "module Shop\n  def self.parse(x)\n    x\n  end\nend\n\ndef helper\n  1\nend\n"),
    ("app/main.rb", "require_relative \"../lib/shop/util\"\n\ndef run\n  Shop.parse(helper())\nend\n"),
    ("src/App/Models/User.php", "<?php\nnamespace App\\Models;\n\nclass User {\n    public function name() { return 1; }\n}\n"),
    ("src/App/run.php", "<?php\nnamespace App;\n\nuse App\\Models\\User;\n\nfunction run() {\n    $u = new User();\n    return $u->name();\n}\n"),
    ("lua/shop/util.lua", "local M = {}\nfunction M.parse(x)\n  return x\nend\nreturn M\n"),
    ("lua/main.lua", "local util = require(\"shop.util\")\nlocal function run()\n  return util.parse(1)\nend\n"),
    ("scripts/lib/common.sh", "greet() {\n  echo hi\n}\n"),
    ("scripts/deploy", "#!/usr/bin/env bash\nsource \"$(dirname \"$0\")/lib/common.sh\"\nmain() {\n  greet\n}\n"),
    ("zig/util.zig", "pub fn parse(x: u32) u32 {\n    return x;\n}\n"),
    ("zig/main.zig", "const util = @import(\"util.zig\");\npub fn run() u32 {\n    return util.parse(1);\n}\n"),
    ("kt/com/acme/util/Strings.kt", "package com.acme.util\n\nobject Strings {\n    fun pad(x: Int) = x\n}\n"),
    ("kt/com/acme/app/Main.kt", "package com.acme.app\n\nimport com.acme.util.Strings\n\nfun run() = Strings.pad(1)\n"),
    ("ex/shop/accounts/user.ex", "defmodule Shop.Accounts.User do\n  def get(id), do: id\nend\n"),
    ("ex/shop/web.ex", "defmodule Shop.Web do\n  alias Shop.Accounts.User\n  def show(id), do: User.get(id)\nend\n"),
    ("hs/Shop/Util.hs", "module Shop.Util (parse, Config(..)) where\n\ndata Config = Config { width :: Int }\n\nparse :: Int -> Int\nparse x = x\n"),
    ("hs/Main.hs", "module Main where\n\nimport Shop.Util (parse, Config(..))\n\nmain = print (parse (width (Config 1)))\n"),
    ("dart/lib/src/util.dart", "int parse(int x) => x;\n"),
    ("dart/lib/main.dart", "import 'src/util.dart';\n\nint run() => parse(1);\n"),
    ("cs/Services/Orders.cs", "namespace Shop.Services {\n    public class Orders {\n        public int Total() { return Count(); }\n        int Count() { return 1; }\n    }\n}\n"),
    ("swift/Order.swift", "class Order {\n    func total() -> Int { return count() }\n    func count() -> Int { return 1 }\n}\n"),
    ("scala/Order.scala", "package shop\n\nclass Order {\n  def total(): Int = count()\n  def count(): Int = 1\n}\n"),
    // The same name in another language: never linked from these.
    ("py/helpers.py", "def greet():\n    pass\n\ndef parse(x):\n    return x\n"),
    ("docs/notes.org", "* notes\n"),
];

/// (kind, from, to, to's file) of every calls, imports and references
/// edge between two indexed definitions or files.
fn edges(repo: &Path) -> BTreeSet<String> {
    let export = std::process::Command::new(assert_cmd::cargo::cargo_bin("codegraph"))
        .current_dir(repo)
        .args(["export"])
        .output()
        .unwrap();
    assert!(export.status.success());
    let mut nodes = std::collections::HashMap::new();
    let mut found = BTreeSet::new();
    let records: Vec<Value> = String::from_utf8(export.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for r in &records {
        if r["type"] == "node" {
            nodes.insert(r["id"].as_str().unwrap().to_string(), r.clone());
        }
    }
    for r in &records {
        if r["type"] == "node"
            || !matches!(r["kind"].as_str(), Some("calls" | "imports" | "references"))
        {
            continue;
        }
        let (from, to) = (
            &nodes[r["from"].as_str().unwrap()],
            &nodes[r["to"].as_str().unwrap()],
        );
        if to["kind"] == "import" {
            continue;
        }
        found.insert(format!(
            "{} {} -> {} ({})",
            r["kind"].as_str().unwrap(),
            from["qualified_name"].as_str().unwrap(),
            to["qualified_name"].as_str().unwrap(),
            to["file"].as_str().unwrap()
        ));
    }
    found
}

#[test]
fn every_language_is_indexed_with_its_imports_and_calls() {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in FILES {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let report = json(dir.path(), &["index", ".", "--no-search"]);
    // Coverage per language, and what no grammar handles.
    let languages = report["languages"].as_object().unwrap();
    for language in [
        "ruby", "php", "lua", "bash", "zig", "kotlin", "elixir", "haskell", "dart", "csharp",
        "swift", "scala", "python",
    ] {
        assert!(
            languages[language]["parsed"].as_u64().unwrap() >= 1,
            "{language}"
        );
        assert_eq!(languages[language]["syntax_errors"], 0, "{language}");
    }
    assert_eq!(
        languages["bash"]["files"], 2,
        "the extensionless script by its #! line"
    );
    assert_eq!(report["not_covered"][0]["extension"], "org");
    let stats = json(dir.path(), &["stats"]);
    assert_eq!(stats["coverage"]["languages"]["zig"]["parsed"], 2);

    let found = edges(dir.path());
    for expected in [
        "imports app/main.rb -> lib/shop/util.rb (lib/shop/util.rb)",
        "calls run -> Shop::parse (lib/shop/util.rb)",
        "calls run -> helper (lib/shop/util.rb)",
        "imports src/App/run.php -> src/App/Models/User.php (src/App/Models/User.php)",
        "imports lua/main.lua -> lua/shop/util.lua (lua/shop/util.lua)",
        "calls run -> parse (lua/shop/util.lua)",
        "imports scripts/deploy -> scripts/lib/common.sh (scripts/lib/common.sh)",
        "calls main -> greet (scripts/lib/common.sh)",
        "imports zig/main.zig -> zig/util.zig (zig/util.zig)",
        "calls run -> parse (zig/util.zig)",
        "imports kt/com/acme/app/Main.kt -> kt/com/acme/util/Strings.kt (kt/com/acme/util/Strings.kt)",
        "calls com.acme.app.run -> com.acme.util.Strings.pad (kt/com/acme/util/Strings.kt)",
        "imports Shop.Web -> ex/shop/accounts/user.ex (ex/shop/accounts/user.ex)",
        "calls Shop.Web.show -> Shop.Accounts.User.get (ex/shop/accounts/user.ex)",
        "imports hs/Main.hs -> hs/Shop/Util.hs (hs/Shop/Util.hs)",
        "calls Main.main -> Shop.Util.parse (hs/Shop/Util.hs)",
        // A record field is its own selector function: applying it reads
        // the field.
        "references Main.main -> Shop.Util.Config.width (hs/Shop/Util.hs)",
        "imports dart/lib/main.dart -> dart/lib/src/util.dart (dart/lib/src/util.dart)",
        "calls run -> parse (dart/lib/src/util.dart)",
        "calls Shop.Services.Orders.Total -> Shop.Services.Orders.Count (cs/Services/Orders.cs)",
        "calls Order.total -> Order.count (swift/Order.swift)",
        "calls shop.Order.total -> shop.Order.count (scala/Order.scala)",
    ] {
        assert!(found.contains(expected), "missing `{expected}` in:\n{found:#?}");
    }
    // Nothing links across languages: the Python `greet` and `parse` are
    // no one's callee.
    assert!(
        found.iter().all(|e| !e.contains("(py/helpers.py)")),
        "{found:#?}"
    );
}
