//! Type expressions as written in declarations and signatures, reduced to
//! what resolution needs: the name of the type a value has.

/// Wrappers whose argument is the type that matters.
const WRAPPERS: &[&str] = &[
    "Optional",
    "Option",
    "Box",
    "Rc",
    "Arc",
    "RefCell",
    "Cell",
    "Mutex",
    "RwLock",
    "Weak",
    "Pin",
    "Result",
    "Ref",
    "RefMut",
    "MutexGuard",
    "RwLockReadGuard",
    "RwLockWriteGuard",
    "Readonly",
    "Partial",
    "Required",
    "Final",
    "ClassVar",
    "Annotated",
    "Union",
    "const",
    "mut",
    "dyn",
    "impl",
    "struct",
    "class",
    "volatile",
    "typename",
    "unique_ptr",
    "shared_ptr",
    "std",
    "None",
    "null",
    "undefined",
    "var",
    "let",
    "auto",
    "final",
];

/// The type a declared type expression or constructor names:
/// `Optional["Console"]` → `Console`, `&mut Store` → `Store`,
/// `*http.Server` → `Server`, `Subscriber<T>` → `Subscriber`. `None` when
/// nothing type-like is left (`var`, `auto`).
pub fn normalize_type(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
            {
                i += 1;
            }
            let word = &text[start..i];
            // A Rust lifetime (`&'a mut HeaderMap<T>`) names no type; a
            // quoted name (`'Console'`, a Python forward reference) does.
            if start > 0 && bytes[start - 1] == b'\'' && bytes.get(i) != Some(&b'\'') {
                continue;
            }
            // A path prefix (`http.` in `http.Server`, `crate::` in a Rust path).
            let rest = &text[i..];
            if rest.starts_with('.') || rest.starts_with("::") {
                continue;
            }
            if WRAPPERS.contains(&word) {
                continue;
            }
            return Some(word.to_string());
        }
        i += 1;
    }
    None
}

/// A Rust path in the standard library: `std`, `core` or `alloc`, alone
/// or followed by `::`.
pub fn in_rust_std(path: &str) -> bool {
    ["std", "core", "alloc"].iter().any(|root| {
        path.strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
    })
}

/// How a receiver type from Rust's standard library is written when the
/// tree defines a type of the same name (`std::Iter` for a field declared
/// `slice::Iter<'a, T>` in a file with its own `Iter`).
pub const RUST_STD_PREFIX: &str = "std::";

/// Iterator adaptors that hand on the items of the iterator they are
/// called on (`v.iter().rev()`, `.filter(..)`), and the methods that make
/// a collection's iterator of its elements.
#[rustfmt::skip]
pub const RUST_SAME_ITEMS: &[&str] = &[
    "iter", "iter_mut", "into_iter", "drain", "rev", "filter", "skip", "take", "cloned", "copied",
    "skip_while", "take_while", "inspect", "by_ref", "peekable", "fuse", "step_by",
];

/// Standard Rust collections whose first type argument is their element.
const RUST_COLLECTIONS: &[&str] = &[
    "Vec",
    "VecDeque",
    "HashSet",
    "BTreeSet",
    "BinaryHeap",
    "LinkedList",
    "SmallVec",
    "ArrayVec",
];

/// The text up to the first `,` or `>` outside brackets: one type argument.
fn first_argument(rest: &str) -> Option<&str> {
    let mut depth = 0usize;
    let end = rest.char_indices().find_map(|(i, c)| match c {
        '<' | '(' | '[' => {
            depth += 1;
            None
        }
        '>' if i > 0 && rest.as_bytes()[i - 1] == b'-' => None,
        '>' | ')' | ']' if depth > 0 => {
            depth -= 1;
            None
        }
        ',' | '>' if depth == 0 => Some(i),
        _ => None,
    })?;
    Some(&rest[..end])
}

/// The type of the items of a Rust value declared `written`: `Foo` for
/// `Vec<Foo>`, `&[Foo]`, `[Foo; 4]`, `&mut VecDeque<Box<Foo>>`, `impl
/// Iterator<Item = &Foo>`, `Box<dyn Iterator<Item = Foo> + '_>`; `None`
/// for any other type (or items of a lowercase type, a primitive or a
/// type parameter's path).
pub fn rust_item_type(written: &str) -> Option<String> {
    // `Iterator<Item = X>`: the binding, not a name that starts so.
    let bound = written.match_indices("Item").find_map(|(at, _)| {
        let word_before = written[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        (!word_before)
            .then(|| written[at + 4..].trim_start().strip_prefix('='))
            .flatten()
    });
    let argument = if let Some(rest) = bound {
        first_argument(rest)?
    } else {
        let ty = unreferenced(written);
        match rust_type_head(ty)? {
            "[]" => ty.strip_prefix('[')?.split([';', ']']).next()?,
            head if RUST_COLLECTIONS.contains(&head) => first_argument(ty.split_once('<')?.1)?,
            _ => return None,
        }
    };
    normalize_type(argument).filter(|t| t.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// A Rust type without the references before it: `Vec<u8>` for `&'a mut
/// Vec<u8>`.
fn unreferenced(ty: &str) -> &str {
    let mut ty = ty.trim();
    loop {
        let before = ty.len();
        ty = ty.trim_start_matches('&').trim_start();
        if let Some(rest) = ty.strip_prefix('\'') {
            ty = rest
                .trim_start_matches(|c: char| c.is_alphanumeric() || c == '_')
                .trim_start();
        }
        if let Some(rest) = ty.strip_prefix("mut ") {
            ty = rest.trim_start();
        }
        if ty.len() == before {
            return ty;
        }
    }
}

/// Rust associated functions that, by convention, return a value of the
/// type they are called through (`Bytes::from(v)`, `Config::default()`).
pub const RUST_CONSTRUCTORS: &[&str] = &["new", "from", "default", "with_capacity"];

/// A receiver type written `RETURNS` + callee (`→self.make_context`): the
/// value a call returned, whose type is the callee's declared return type,
/// looked up when resolving.
pub const RETURNS: &str = "\u{2192}";

/// A receiver type written `MEMBERS` + type + `.`-separated fields
/// (`↦Uri.scheme.inner`): the value of those fields, one after another,
/// starting from a value of that type, where the file does not declare
/// them (the resolver reads their declared types off the index).
pub const MEMBERS: &str = "\u{21a6}";

/// A receiver type written `VARIANT` + variant path + `#` + position
/// (`↤Entry::Occupied#0`): the value a Rust tuple-variant pattern bound,
/// whose type is that variant's field (the resolver reads the variant's
/// signature, `Occupied(OccupiedEntry<'a, K, V>)`, off the index).
pub const VARIANT: &str = "\u{21a4}";

/// A receiver type written `ITEM` + type (`↠Edges`, `↠→Graph.edges`):
/// an element of a value of that type, as a Rust `for` loop binds it
/// (`for edge in g.edges(a)`); the resolver reads the type's `Iterator`
/// (or `IntoIterator`) impl's `type Item = ..` off the index.
pub const ITEM: &str = "\u{21a0}";

/// Methods that hand back the value they are called on, or the one it
/// wraps (`cell.borrow_mut()`, `opt.unwrap()`, `arc.clone()`): since
/// declared types are read without their wrappers (`RefCell<Inner>` is
/// `Inner`), the call's result has its receiver's type.
pub fn passes_type_through(method: &str) -> bool {
    matches!(
        method,
        "unwrap"
            | "expect"
            | "unwrap_or_default"
            | "unwrap_unchecked"
            | "as_ref"
            | "as_mut"
            | "as_deref"
            | "as_deref_mut"
            | "borrow"
            | "borrow_mut"
            | "try_borrow"
            | "try_borrow_mut"
            | "lock"
            | "read"
            | "write"
            | "clone"
            | "to_owned"
            | "deref"
            | "deref_mut"
            | "get_mut"
            | "upgrade"
            | "cloned"
            | "copied"
            | "by_ref"
            | "as_pin_mut"
    )
}

/// A binding type written `ALIAS` + name (`=store`): the type that name
/// has where the binding is made (the parser looks it up).
pub const ALIAS: &str = "=";

/// The return type a function's signature declares, as written: Python's
/// and Rust's `-> T`, TypeScript's `): T`. `None` when it declares none.
pub fn return_type(signature: &str) -> Option<&str> {
    let body_start = signature.find('{').unwrap_or(signature.len());
    let head = &signature[..body_start];
    if let Some(i) = head.rfind("->") {
        let after = head[i + 2..].trim();
        let after = after.split(" where").next().unwrap_or(after);
        return Some(after.trim_end_matches(':').trim()).filter(|t| !t.is_empty());
    }
    // `name(params): T` — the colon after the parameter list's close.
    let params = parameter_list(head)?;
    // `params` is a slice of `head`: where it ends, past its `)`.
    let end = params.as_ptr() as usize - head.as_ptr() as usize + params.len() + 1;
    let rest = head.get(end..)?.trim_start();
    rest.strip_prefix(':')
        .map(|t| t.trim().trim_end_matches(['{', ';']).trim())
        .filter(|t| !t.is_empty())
}

/// The declared type of parameter `param` of the function passed as
/// argument `arg` to a callable whose signature is `signature`, when that
/// argument is declared with a function type:
/// `function operate<T, R>(init: (source: Observable<T>, subscriber:
/// Subscriber<R>) => void)` gives `Subscriber<R>` for argument 0,
/// parameter 1. TypeScript's `this:` pseudo-parameters are not counted.
pub fn callback_parameter_type(signature: &str, arg: usize, param: usize) -> Option<&str> {
    let argument = declared_type(split_parameters(parameter_list(signature)?).get(arg)?)?;
    // Only a function type, `(…) => R` or `<T>(…) => R`, not a named one.
    if !argument.starts_with(['(', '<']) {
        return None;
    }
    declared_type(split_parameters(parameter_list(argument)?).get(param)?)
}

/// The text inside the first parenthesised list outside generic brackets.
fn parameter_list(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut angle = 0i32;
    let open = (0..bytes.len()).find(|&i| {
        match bytes[i] {
            b'<' => angle += 1,
            b'>' if i == 0 || bytes[i - 1] != b'=' => angle -= 1,
            b'(' => return angle <= 0,
            _ => {}
        }
        false
    })?;
    let mut depth = 0i32;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[open + 1..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// A parameter list split at its top-level commas, `this:` pseudo-parameters left out.
fn split_parameters(list: &str) -> Vec<&str> {
    let bytes = list.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' | b'<' => depth += 1,
            b'>' if i > 0 && bytes[i - 1] == b'=' => {}
            b')' | b']' | b'}' | b'>' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(list[start..].trim());
    parts.retain(|p| {
        !p.is_empty() && !p.starts_with("this:") && !p.starts_with("this?:") && *p != "this"
    });
    parts
}

/// The type written after a parameter's top-level `:`, without a default.
fn declared_type(param: &str) -> Option<&str> {
    let bytes = param.as_bytes();
    let mut depth = 0i32;
    let mut colon = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' | b'<' => depth += 1,
            b'>' if i > 0 && bytes[i - 1] == b'=' => {}
            b')' | b']' | b'}' | b'>' => depth -= 1,
            b':' if depth == 0 && colon.is_none() => colon = Some(i),
            b'=' if depth == 0 && colon.is_some() && bytes.get(i + 1) != Some(&b'>') => {
                return Some(param[colon? + 1..i].trim());
            }
            _ => {}
        }
    }
    Some(param[colon? + 1..].trim()).filter(|t| !t.is_empty())
}

/// The declared type of a Rust function's first parameter that is not
/// `self`: `fn from(vec: Vec<u8>) -> Bytes` gives `Vec<u8>`.
pub fn first_parameter_type(signature: &str) -> Option<&str> {
    let start = signature.find("fn ").map_or(0, |at| at + 3);
    split_parameters(parameter_list(&signature[start..])?)
        .into_iter()
        .find(|p| {
            !p.trim_start_matches(['&', ' '])
                .trim_start_matches("mut ")
                .starts_with("self")
        })
        .and_then(declared_type)
}

/// What tells Rust types apart when an overloaded trait method (each
/// `From<T>` impl's `from`) is picked by its argument: the type's last
/// path segment without generics or references (`&'a mut Vec<u8>` is
/// `Vec`, `std::string::String` is `String`), `[]` for any slice or
/// array. `None` for what cannot be told apart by its text: a generic
/// parameter (`T`), `impl Trait`, `dyn Trait`, tuples, pointers.
pub fn rust_type_head(ty: &str) -> Option<&str> {
    let ty = unreferenced(ty);
    if ty.starts_with('[') {
        return Some("[]");
    }
    if ty.starts_with(['(', '*']) || ty.starts_with("impl ") || ty.starts_with("dyn ") {
        return None;
    }
    let path = ty.split(['<', ' ']).next().unwrap_or(ty);
    let head = path.rsplit("::").next().unwrap_or(path);
    let generic = head.len() == 1 && head.starts_with(|c: char| c.is_ascii_uppercase());
    (!head.is_empty() && !generic && head.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(head)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rust_item_types_come_from_collections_and_iterator_bindings() {
        use super::rust_item_type as item;
        assert_eq!(item("Vec<Foo>").as_deref(), Some("Foo"));
        assert_eq!(item("&'a mut [Foo]").as_deref(), Some("Foo"));
        assert_eq!(item("[Foo; 4]").as_deref(), Some("Foo"));
        assert_eq!(item("VecDeque<Box<Foo>>").as_deref(), Some("Foo"));
        assert_eq!(
            item("impl Iterator<Item = &'a Foo> + '_").as_deref(),
            Some("Foo")
        );
        assert_eq!(
            item("Box<dyn Iterator<Item = Foo>>").as_deref(),
            Some("Foo")
        );
        assert_eq!(item("Vec<ItemRef>").as_deref(), Some("ItemRef"));
        assert_eq!(item("Vec<u8>"), None);
        assert_eq!(item("HashMap<K, Foo>"), None);
        assert_eq!(item("Foo"), None);
    }

    #[test]
    fn rust_parameter_types_and_their_heads() {
        use super::{first_parameter_type, rust_type_head};
        assert_eq!(
            first_parameter_type("fn from(vec: Vec<u8>) -> Bytes"),
            Some("Vec<u8>")
        );
        assert_eq!(
            first_parameter_type("pub fn put(&mut self, src: &[u8], n: usize)"),
            Some("&[u8]")
        );
        assert_eq!(first_parameter_type("fn len(&self) -> usize"), None);
        assert_eq!(rust_type_head("&'static [u8]"), Some("[]"));
        assert_eq!(rust_type_head("&'a mut Vec<u8>"), Some("Vec"));
        assert_eq!(rust_type_head("&'static str"), Some("str"));
        assert_eq!(rust_type_head("std::string::String"), Some("String"));
        assert_eq!(rust_type_head("Box<[u8]>"), Some("Box"));
        assert_eq!(rust_type_head("T"), None);
        assert_eq!(rust_type_head("impl Into<Bytes>"), None);
        assert_eq!(rust_type_head("(u8, u8)"), None);
    }

    #[test]
    fn declared_return_types() {
        use super::return_type;
        assert_eq!(
            return_type("def make_context(self, name: str) -> Context:"),
            Some("Context")
        );
        assert_eq!(return_type("def f(x) -> \"Context\":"), Some("\"Context\""));
        assert_eq!(
            return_type("pub fn get(&self, key: K) -> Option<&V> where K: Hash {"),
            Some("Option<&V>")
        );
        assert_eq!(
            return_type("makeContext(a: (b: string) => void): Context {"),
            Some("Context")
        );
        assert_eq!(return_type("def f(x):"), None);
        assert_eq!(return_type("function f(a, b) {"), None);
    }

    use super::*;

    #[test]
    fn declared_types_are_reduced_to_the_type_named() {
        assert_eq!(
            normalize_type("Optional[\"Console\"]").as_deref(),
            Some("Console")
        );
        assert_eq!(
            normalize_type(": Subscriber<T>").as_deref(),
            Some("Subscriber")
        );
        assert_eq!(normalize_type("&mut Store").as_deref(), Some("Store"));
        assert_eq!(
            normalize_type("&'a mut HeaderMap<T>").as_deref(),
            Some("HeaderMap")
        );
        assert_eq!(normalize_type("'Console'").as_deref(), Some("Console"));
        assert_eq!(normalize_type("*http.Server").as_deref(), Some("Server"));
        assert_eq!(
            normalize_type("crate::store::MemStore").as_deref(),
            Some("MemStore")
        );
        assert_eq!(normalize_type("Arc<Mutex<Pool>>").as_deref(), Some("Pool"));
        assert_eq!(normalize_type("None | Style").as_deref(), Some("Style"));
        assert_eq!(normalize_type("var"), None);
        assert_eq!(normalize_type("list[str]").as_deref(), Some("list"));
    }

    #[test]
    fn callback_parameters_are_typed_by_the_callee_signature() {
        let operate = "function operate<T, R>( init: (liftedSource: Observable<T>, \
                       subscriber: Subscriber<R>) => (() => void) | void ): OperatorFunction<T, R>";
        assert_eq!(
            callback_parameter_type(operate, 0, 0),
            Some("Observable<T>")
        );
        assert_eq!(
            callback_parameter_type(operate, 0, 1),
            Some("Subscriber<R>")
        );
        assert_eq!(callback_parameter_type(operate, 0, 2), None);
        assert_eq!(callback_parameter_type(operate, 1, 0), None);
        let constructor =
            "constructor(subscribe?: (this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic)";
        assert_eq!(
            callback_parameter_type(constructor, 0, 0),
            Some("Subscriber<T>")
        );
        let defaults = "function on(name: string, cb: (e: Event, n: number) => void = noop, x = 1)";
        assert_eq!(callback_parameter_type(defaults, 1, 0), Some("Event"));
        // A named function type is not read through.
        assert_eq!(
            callback_parameter_type("function pipe(op: OperatorFunction<T, R>)", 0, 0),
            None
        );
        assert_eq!(callback_parameter_type("no parameters here", 0, 0), None);
    }
}
