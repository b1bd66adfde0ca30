//! Method names of each language's built-in types: Python's list, dict,
//! str, set and file objects; JavaScript's Array, Map, Set, String,
//! Promise and Object; Rust's Vec, Option, Result, String, slices, maps and
//! iterators; Java's collections, String and streams; Go's built-ins;
//! C++'s standard containers and strings.
//!
//! A call through a value whose type resolution does not know
//! (`items.append(x)`) and whose name is one of these most likely calls
//! the built-in: linking it to the project's one method of that name was
//! the commonest false edge measured against compiler-grade indexers.
//! The resolver makes no edge for such a call by name alone; a receiver of
//! known type still resolves to that type's method.

use codegraph_core::Language;

#[rustfmt::skip]
const PYTHON: &[&str] = &[
    // list
    "append", "extend", "insert", "remove", "pop", "clear", "index", "count", "sort", "reverse",
    "copy", // dict
    "get", "items", "keys", "values", "update", "setdefault", "popitem", "fromkeys",
    // set
    "add", "discard", "union", "intersection", "difference", "symmetric_difference", "issubset",
    "issuperset", "isdisjoint", "intersection_update", "difference_update",
    // str / bytes
    "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "join", "replace", "lower",
    "upper", "startswith", "endswith", "find", "rfind", "rindex", "format", "format_map",
    "encode", "decode", "partition", "rpartition", "title", "capitalize", "casefold",
    "center", "ljust", "rjust", "zfill", "isdigit", "isalpha", "isalnum", "isspace",
    "islower", "isupper", "isidentifier", "expandtabs", "translate", "maketrans",
    "removeprefix", "removesuffix", "hex",
    // file objects
    "read", "readline", "readlines", "write", "writelines", "close", "flush", "seek", "tell",
    "fileno", "truncate",
];

#[rustfmt::skip]
const JAVASCRIPT: &[&str] = &[
    // Array
    "push", "pop", "shift", "unshift", "slice", "splice", "concat", "join", "reverse", "sort",
    "indexOf", "lastIndexOf", "includes", "find", "findIndex", "findLast", "findLastIndex",
    "filter", "map", "forEach", "reduce", "reduceRight", "some", "every", "flat", "flatMap",
    "fill", "keys", "values", "entries", "at", "copyWithin", "toSorted", "toReversed",
    // Map / Set / WeakMap
    "get", "set", "has", "delete", "clear", "add",
    // String
    "split", "trim", "trimStart", "trimEnd", "toLowerCase", "toUpperCase", "startsWith",
    "endsWith", "replace", "replaceAll", "substring", "substr", "charAt", "charCodeAt",
    "codePointAt", "padStart", "padEnd", "repeat", "match", "matchAll", "search",
    "localeCompare", "normalize",
    // Promise
    "then", "catch", "finally",
    // Object
    "toString", "valueOf", "hasOwnProperty", "toJSON",
];

#[rustfmt::skip]
const RUST: &[&str] = &[
    // Vec / slices / VecDeque
    "push", "pop", "insert", "remove", "len", "is_empty", "clear", "extend", "truncate",
    "retain", "dedup", "sort", "sort_by", "sort_by_key", "sort_unstable", "sort_unstable_by",
    "sort_unstable_by_key", "reverse", "contains", "iter", "iter_mut", "into_iter", "first",
    "last", "get", "get_mut", "split_at", "chunks", "windows", "swap", "drain", "append",
    "push_back", "push_front", "pop_back", "pop_front", "binary_search", "starts_with",
    "ends_with", "to_vec", "join", "concat", "resize", "with_capacity", "capacity", "reserve",
    "split_off", "swap_remove",
    // Option / Result
    "unwrap", "expect", "unwrap_or", "unwrap_or_else", "unwrap_or_default", "map", "map_err",
    "and_then", "or_else", "ok", "err", "ok_or", "ok_or_else", "is_some", "is_none", "is_ok",
    "is_err", "as_ref", "as_mut", "take", "replace", "filter", "flatten", "copied", "cloned",
    "zip", "unzip", "is_some_and", "is_none_or", "is_ok_and", "get_or_insert_with", "transpose",
    "or", "and", "xor", "map_or", "map_or_else", "get_or_insert", "unwrap_err", "expect_err",
    "inspect_err",
    // String / str
    "push_str", "as_str", "trim", "trim_start", "trim_end", "split", "splitn", "rsplit",
    "split_whitespace", "lines", "chars", "bytes", "to_lowercase", "to_uppercase",
    "to_ascii_lowercase", "find", "rfind", "strip_prefix", "strip_suffix", "parse", "as_bytes",
    "to_string", "to_owned", "into_bytes", "char_indices", "repeat", "split_once", "rsplit_once",
    // maps / sets
    "entry", "or_insert", "or_insert_with", "or_default", "contains_key", "keys", "values",
    "values_mut", "get_key_value",
    // iterators
    "next", "collect", "filter_map", "flat_map", "fold", "for_each", "count", "sum", "product",
    "min", "max", "min_by_key", "max_by_key", "any", "all", "position", "enumerate", "skip",
    "step_by", "chain", "rev", "peekable", "take_while", "skip_while", "nth", "inspect",
    "last", "partition", "find_map",
    // common traits
    "clone", "default", "into", "from", "eq", "cmp", "partial_cmp", "hash", "fmt", "borrow",
    "borrow_mut", "deref", "as_slice",
    // fmt::Formatter and its builders, hash::Hasher
    "debug_struct", "debug_tuple", "debug_list", "debug_set", "debug_map", "field", "entries",
    "finish", "finish_non_exhaustive", "write_str", "write_fmt", "write_char", "pad",
    "alternate",
];

#[rustfmt::skip]
const JAVA: &[&str] = &[
    // collections
    "add", "addAll", "remove", "removeAll", "get", "set", "size", "isEmpty", "contains",
    "containsAll", "clear", "iterator", "put", "putAll", "putIfAbsent", "containsKey",
    "containsValue", "keySet", "values", "entrySet", "getOrDefault", "computeIfAbsent",
    "computeIfPresent", "compute", "merge", "forEach", "indexOf", "subList", "toArray",
    "stream", "sort", "offer", "poll", "peek", "push", "pop",
    // String / StringBuilder
    "equals", "hashCode", "toString", "length", "charAt", "substring", "trim", "split",
    "startsWith", "endsWith", "toLowerCase", "toUpperCase", "replace", "format", "append",
    "isBlank", "strip", "matches", "compareTo", "equalsIgnoreCase", "getBytes", "valueOf",
    // streams / Optional
    "map", "filter", "collect", "reduce", "findFirst", "anyMatch", "allMatch", "orElse",
    "orElseGet", "orElseThrow", "isPresent", "ifPresent", "of",
];

#[rustfmt::skip]
const GO: &[&str] = &[
    // methods of the standard library's everyday types (strings.Builder,
    // bytes.Buffer, errors, sync, context, io)
    "String", "Error", "Write", "WriteString", "Read", "Close", "Len", "Reset", "Lock",
    "Unlock", "RLock", "RUnlock", "Wait", "Done", "Add", "Err", "Value", "Unwrap",
];

#[rustfmt::skip]
const CPP: &[&str] = &[
    "push_back", "emplace_back", "pop_back", "push_front", "pop_front", "size", "empty",
    "clear", "begin", "end", "cbegin", "cend", "rbegin", "rend", "insert", "erase", "find",
    "count", "at", "front", "back", "reserve", "resize", "data", "c_str", "substr", "append",
    "length", "emplace", "swap", "get", "reset", "release", "lock", "unlock", "first", "second",
    "str", "compare", "contains",
];

/// Whether `name` is a method of `language`'s built-in types.
pub fn is_builtin_method(language: Language, name: &str) -> bool {
    let table = match language {
        Language::Python => PYTHON,
        Language::JavaScript | Language::TypeScript | Language::Tsx => JAVASCRIPT,
        Language::Rust => RUST,
        Language::Java => JAVA,
        Language::Go => GO,
        Language::Cpp => CPP,
        // No table yet: a call on an unknown receiver is a name-only
        // guess there, left out of the default views all the same.
        Language::C
        | Language::Ruby
        | Language::Php
        | Language::CSharp
        | Language::Kotlin
        | Language::Swift
        | Language::Scala
        | Language::Lua
        | Language::Bash
        | Language::Elixir
        | Language::Haskell
        | Language::Dart
        | Language::Zig => return false,
    };
    // Every standard iterator's methods too (`.max_by(f)` on a chain
    // whose start is not known to be an iterator).
    table.contains(&name) || (language == Language::Rust && is_rust_iterator_method(name))
}

/// Rust's primitive types and the standard library's common ones: types
/// whose inherent methods the index never holds.
#[rustfmt::skip]
const RUST_STD_TYPES: &[&str] = &[
    "str", "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
    "i64", "i128", "isize", "f32", "f64", "String", "Vec", "VecDeque", "Option", "Result", "Box",
    "Rc", "Arc", "Cow", "Cell", "RefCell", "HashMap", "HashSet", "BTreeMap", "BTreeSet",
    "BinaryHeap", "LinkedList", "Path", "PathBuf", "OsStr", "OsString", "CStr", "CString",
];

/// Whether `name` is a primitive or common standard Rust type, whose own
/// methods (`String::as_str`) a project's trait impl for it cannot add to.
pub fn is_rust_std_type(name: &str) -> bool {
    RUST_STD_TYPES.contains(&name)
}

/// The methods of Rust's `Iterator` and `DoubleEndedIterator` (stable and
/// nightly), which a standard iterator calls whatever the tree defines.
#[rustfmt::skip]
const RUST_ITERATOR: &[&str] = &[
    "next", "size_hint", "count", "last", "nth", "step_by", "chain", "zip", "map", "for_each",
    "filter", "filter_map", "enumerate", "peekable", "skip_while", "take_while", "map_while",
    "skip", "take", "scan", "flat_map", "flatten", "fuse", "inspect", "by_ref", "collect",
    "partition", "try_fold", "try_for_each", "fold", "reduce", "all", "any", "find", "find_map",
    "position", "rposition", "max", "min", "max_by_key", "max_by", "min_by_key", "min_by",
    "rev", "unzip", "copied", "cloned", "cycle", "sum", "product", "cmp", "partial_cmp", "eq",
    "ne", "lt", "le", "gt", "ge", "is_sorted", "is_sorted_by", "is_sorted_by_key",
    "next_back", "rfold", "rfind", "nth_back", "try_rfold", "len", "is_empty", "advance_by",
    "array_chunks", "intersperse", "intersperse_with", "map_windows", "try_collect",
    "collect_into", "is_partitioned", "partition_in_place", "cmp_by", "eq_by", "into_iter",
    "clone", "fmt",
];

/// Methods that make a standard iterator from a standard value.
#[rustfmt::skip]
const RUST_ITERATOR_SOURCES: &[&str] = &[
    "iter", "iter_mut", "into_iter", "chars", "char_indices", "bytes", "lines",
    "split_whitespace", "split_ascii_whitespace", "drain", "keys", "values", "values_mut",
    "into_keys", "into_values", "windows", "chunks", "chunks_exact", "rchunks",
];

/// Iterator methods that return another standard iterator.
#[rustfmt::skip]
const RUST_ITERATOR_ADAPTERS: &[&str] = &[
    "map", "filter", "filter_map", "flat_map", "flatten", "enumerate", "rev", "skip", "take",
    "skip_while", "take_while", "map_while", "step_by", "chain", "zip", "cloned", "copied",
    "peekable", "inspect", "cycle", "scan", "fuse", "by_ref",
];

/// Whether `name` is a method every Rust iterator has.
pub fn is_rust_iterator_method(name: &str) -> bool {
    RUST_ITERATOR.contains(&name)
}

/// Whether a receiver, as written, is certainly a standard Rust iterator:
/// a range in parentheses (`(0..n)`), an iterator made from a value
/// (`v.iter()`, `s.chars()`), or an adapter of one (`v.iter().map(f)`).
/// `x.map(f)` alone may be an `Option`, so an adapter needs an iterator
/// before it.
pub fn is_rust_iterator_chain(receiver: &str) -> bool {
    let receiver = receiver.trim();
    let Some(body) = receiver.strip_suffix(')') else {
        return false;
    };
    // The opening parenthesis that matches the last one.
    let mut depth = 0usize;
    let mut open = None;
    for (i, c) in body.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => {
                open = Some(i);
                break;
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    let Some(open) = open else { return false };
    let before = body[..open].trim_end();
    let args = &body[open + 1..];
    let name_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = &before[name_start..];
    if name.is_empty() {
        // A parenthesised expression: a range is an iterator.
        return before.is_empty() && is_range(args);
    }
    let Some(value) = before[..name_start].trim_end().strip_suffix('.') else {
        return false;
    };
    if RUST_ITERATOR_SOURCES.contains(&name) {
        return true;
    }
    RUST_ITERATOR_ADAPTERS.contains(&name) && is_rust_iterator_chain(value)
}

/// `a..b`, `..b`, `a..=b` at the top level of an expression.
fn is_range(expr: &str) -> bool {
    let mut depth = 0usize;
    let bytes = expr.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'.' if depth == 0 && bytes.get(i + 1) == Some(&b'.') => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commonest_false_edges_are_builtins() {
        assert!(is_builtin_method(Language::Python, "append"));
        assert!(is_builtin_method(Language::Python, "strip"));
        assert!(is_builtin_method(Language::Python, "values"));
        assert!(is_builtin_method(Language::Rust, "push"));
        assert!(is_builtin_method(Language::Rust, "map"));
        // `Option::or`, `Iterator::max_by`.
        assert!(is_builtin_method(Language::Rust, "or"));
        assert!(is_builtin_method(Language::Rust, "max_by"));
        // `f.debug_struct("S").finish()`.
        assert!(is_builtin_method(Language::Rust, "finish"));
        assert!(!is_builtin_method(Language::Rust, "interleave_shortest"));
        assert!(is_builtin_method(Language::TypeScript, "then"));
        assert!(!is_builtin_method(Language::Python, "resolve_references"));
        assert!(!is_builtin_method(Language::C, "append"));
    }

    #[test]
    fn iterator_chains_are_told_from_other_values() {
        for chain in [
            "v.iter()",
            "(0..n)",
            "(1..=5)",
            "data.iter().map(|x| (x, 1))",
            "xs.into_iter() .rev()",
            "self.items.iter().filter(|x| f(x))",
            "s.chars()",
        ] {
            assert!(is_rust_iterator_chain(chain), "{chain}");
        }
        // A receiver from a file with syntax errors may hold any text.
        assert!(!is_rust_iterator_chain("v→iter()"));
        assert!(!is_rust_iterator_chain("v.«iter()"));
        for value in [
            "v",
            "x.map(f)",
            "opt.filter(|x| g(x))",
            "make()",
            "(a, b)",
            "f(0..n)",
        ] {
            assert!(!is_rust_iterator_chain(value), "{value}");
        }
        assert!(is_rust_iterator_method("fold"));
        assert!(!is_rust_iterator_method("dedup"));
    }
}
