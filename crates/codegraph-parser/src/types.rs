//! Receiver types from declarations, within one file: what type a call's
//! receiver has when the syntax says so — a typed parameter or local
//! (`console: Console`, `Store s`, `s *Server`), a field (`store: MemStore`,
//! `private repo: Repository`), or a value constructed on assignment
//! (`x = Client()`, `const x = new Client()`, `let x = Client::new()`).
//! `self.store.save()` then resolves through the field's type to
//! `MemStore.save`, not to every `save` in the repository.
//!
//! This is declaration-level inference, not type checking: no flow, no
//! return types, no generics, fields only of types defined in the same file.

use std::collections::HashMap;

/// Suffix of the name that holds a collection's element type: a Rust
/// `items: Vec<Foo>` also binds `items#item` to `Foo`, for what a loop
/// over it or an adaptor's closure on its iterator binds.
pub(crate) const ELEMENT: &str = "#item";

/// One `name has type T` fact, as the query matched it.
pub(crate) struct Binding {
    /// Where it is declared: its scope is the innermost one containing this.
    pub byte: usize,
    /// `x`, or `self.x` / `this.x` for a field set through the receiver.
    pub name: String,
    /// The declared or constructed type, normalized (`Console`).
    pub ty: String,
    /// A field of the enclosing type wherever it is declared (a TypeScript
    /// constructor parameter property).
    pub member: bool,
    /// Bound only inside this byte range (a match arm's pattern), not in
    /// the whole scope.
    pub within: Option<(usize, usize)>,
}

/// Declared types of the names in one file, by scope.
#[derive(Default)]
pub(crate) struct TypeFacts {
    /// (scope definition index, or `None` for the file; name) → type.
    locals: HashMap<(Option<usize>, String), String>,
    /// type name → field name → type.
    fields: HashMap<String, HashMap<String, String>>,
    /// Names bound inside a byte range only (match arms, `if let`), with
    /// the range and the type, in source order.
    within: Vec<(usize, usize, String, String)>,
}

/// What `TypeFacts` needs to know about the file's scopes.
pub(crate) trait Scopes {
    /// The innermost scope containing `byte`, if any.
    fn innermost(&self, byte: usize) -> Option<usize>;
    /// The scope enclosing `scope`.
    fn parent(&self, scope: usize) -> Option<usize>;
    /// The type `scope` defines (a class, struct, `impl` block), if any.
    fn type_name(&self, scope: usize) -> Option<&str>;
}

fn enclosing_type(scopes: &impl Scopes, byte: usize) -> Option<&str> {
    let mut current = scopes.innermost(byte);
    while let Some(scope) = current {
        if let Some(name) = scopes.type_name(scope) {
            return Some(name);
        }
        current = scopes.parent(scope);
    }
    None
}

fn field_of_receiver(name: &str) -> Option<&str> {
    name.strip_prefix("self.")
        .or_else(|| name.strip_prefix("this."))
        .or_else(|| name.strip_prefix("this->"))
        .filter(|f| !f.contains(['.', '-']))
}

/// `a.get(x)` → `a.get`; `x.collect::<Vec<_>>()` → `x.collect`: the
/// callee of a call expression's text; `None` if it is no call.
fn strip_call(text: &str) -> Option<&str> {
    let text = text.strip_suffix(')')?;
    let bytes = text.as_bytes();
    let mut depth = 1;
    let mut open = None;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let mut callee = text[..open?].trim_end();
    callee = callee
        .strip_suffix('?')
        .unwrap_or(callee)
        .trim_end_matches('.');
    // Type arguments: `collect::<Vec<_>>`, `get<T>`.
    if callee.ends_with('>') {
        let mut angle = 0;
        let cut = callee.char_indices().rev().find(|&(_, c)| {
            match c {
                '>' => angle += 1,
                '<' => angle -= 1,
                _ => {}
            }
            angle == 0
        })?;
        callee = callee[..cut.0].trim_end_matches("::");
    }
    Some(callee)
}

/// `a.b.get` → (`a.b`, `get`); `Foo::new` → (`Foo`, `new`); the split at
/// the last `.` or `::` outside parentheses.
fn split_member(callee: &str) -> Option<(&str, &str)> {
    let bytes = callee.as_bytes();
    let mut depth = 0;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b')' | b']' => depth += 1,
            b'(' | b'[' => depth -= 1,
            b'.' if depth == 0 => return Some((&callee[..i], &callee[i + 1..])),
            b':' if depth == 0 && i > 0 && bytes[i - 1] == b':' => {
                return Some((&callee[..i - 1], &callee[i + 1..]))
            }
            _ => {}
        }
    }
    None
}

/// The collection whose items a walked value yields, as written:
/// `self.items` for `self.items`, `self.items.iter()` and
/// `self.items.iter().rev().filter(f)`; `None` for any other value.
fn walked_collection(walked: &str) -> Option<&str> {
    let plain = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
    };
    let mut current = walked.trim();
    while !plain(current) {
        let (base, method) = split_member(strip_call(current)?)?;
        if !codegraph_core::RUST_SAME_ITEMS.contains(&method) {
            return None;
        }
        current = base.trim();
    }
    Some(current)
}

/// Named like a generic type parameter (`T`, `S`, `Fut`): short and
/// capitalised.
fn is_generic_parameter(name: &str) -> bool {
    name.len() <= 3 && name.starts_with(|c: char| c.is_ascii_uppercase())
}

impl TypeFacts {
    pub fn new(bindings: Vec<Binding>, scopes: &impl Scopes) -> TypeFacts {
        let mut facts = TypeFacts::default();
        // Generic parameters' bounds first: `where S: Store` is written
        // after the parameters it types.
        let (mut bindings, rest): (Vec<Binding>, Vec<Binding>) = bindings
            .into_iter()
            .partition(|b| is_generic_parameter(&b.name));
        bindings.extend(rest);
        for mut b in bindings {
            if let Some((start, end)) = b.within {
                // `for e in g.edges(a)`: an element of what the walked
                // value's type is where the loop starts, if known.
                if let Some(walked) = b.ty.strip_prefix(codegraph_core::ITEM) {
                    let walked = crate::extract::unborrowed(walked);
                    // A collection the file declares (`for x in &self.items`,
                    // `v.iter().filter(..)`): its element type.
                    let collection = walked_collection(walked);
                    let element = collection.and_then(|c| {
                        facts.receiver_type(&format!("{c}{ELEMENT}"), b.byte, scopes, false)
                    });
                    match element {
                        Some(ty) => b.ty = ty,
                        None => match facts.value_type(walked, b.byte, scopes, false, 0) {
                            Some(ty) => b.ty = format!("{}{ty}", codegraph_core::ITEM),
                            None => continue,
                        },
                    }
                }
                facts.within.push((start, end, b.name, b.ty));
                continue;
            }
            // `self.x = x`: x's type where this is written, if known.
            if let Some(source) = b.ty.strip_prefix(codegraph_core::ALIAS) {
                match facts.receiver_type(source, b.byte, scopes, false) {
                    Some(ty) => b.ty = ty,
                    None => continue,
                }
            }
            // `x: T` where the generic parameter `T` is bounded by a trait
            // (`<T: Store>`): the trait's methods are what `x` has.
            if is_generic_parameter(&b.ty) {
                if let Some(bound) = facts.local(&b.ty, b.byte, scopes) {
                    b.ty = bound;
                }
            }
            // `conn = pool.get()` with `pool`'s type known here: the
            // method of that type, so the resolver can follow a chain of
            // returned values (`let uri = self.parts.get_uri().unwrap()`
            // unwinds call by call). Not where the chain starts from an
            // expression's value (`(0..n).filter(f)`), which the resolver
            // cannot follow but may still find a unique method for, as
            // written.
            if let Some(callee) = b.ty.strip_prefix(codegraph_core::RETURNS) {
                let call = format!("{callee}()");
                if let Some(ty) = facts
                    .call_type(&call, b.byte, scopes, false, 0)
                    .filter(|ty| {
                        ty.trim_start_matches(codegraph_core::RETURNS)
                            .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
                {
                    b.ty = ty;
                }
            }
            let field = field_of_receiver(&b.name);
            let scope = scopes.innermost(b.byte);
            let owner = match (field, b.member) {
                (Some(_), _) | (None, true) => enclosing_type(scopes, b.byte),
                // `impl<I: Iterator> Foo<I>`: a bound of the impl's
                // methods, not a field of Foo.
                (None, false) if is_generic_parameter(&b.name) => None,
                (None, false) => scope.and_then(|s| scopes.type_name(s)),
            };
            match owner {
                Some(owner) => {
                    facts
                        .fields
                        .entry(owner.to_string())
                        .or_default()
                        .entry(field.unwrap_or(&b.name).to_string())
                        .or_insert(b.ty);
                }
                None if field.is_none() => {
                    facts.locals.entry((scope, b.name)).or_insert(b.ty);
                }
                None => {}
            }
        }
        facts
    }

    /// The type of `receiver` (`console`, `self.store`, `s.store`,
    /// `this->repo`) as seen at `byte`; `None` when any step is unknown.
    /// `implicit_this`: a bare name may be a field of the enclosing type
    /// (Java, C++).
    pub fn receiver_type(
        &self,
        receiver: &str,
        byte: usize,
        scopes: &impl Scopes,
        implicit_this: bool,
    ) -> Option<String> {
        self.path_type(receiver, byte, scopes, implicit_this, false)
    }

    /// As `receiver_type`, but where the file knows the type of a prefix
    /// of the path and not its later fields (`self.scheme.inner` with
    /// `Scheme` declared in another file), that type and the fields left,
    /// written `MEMBERS` + `Scheme.inner`, for the resolver to follow
    /// through the index.
    pub fn receiver_path_type(
        &self,
        receiver: &str,
        byte: usize,
        scopes: &impl Scopes,
        implicit_this: bool,
    ) -> Option<String> {
        self.path_type(receiver, byte, scopes, implicit_this, true)
    }

    fn path_type(
        &self,
        receiver: &str,
        byte: usize,
        scopes: &impl Scopes,
        implicit_this: bool,
        partial: bool,
    ) -> Option<String> {
        if self.locals.is_empty() && self.fields.is_empty() && self.within.is_empty() && !partial {
            return None;
        }
        let path = receiver.replace("?.", ".").replace("->", ".");
        if !path
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '#'))
        {
            return None;
        }
        let mut segments = path.split('.');
        let first = segments.next()?;
        let mut ty: String = if matches!(first, "self" | "this") {
            enclosing_type(scopes, byte)?.to_string()
        } else {
            self.local(first, byte, scopes).or_else(|| {
                implicit_this
                    .then(|| self.field(enclosing_type(scopes, byte)?, first))
                    .flatten()
            })?
        };
        let mut steps = 0;
        while let Some(segment) = segments.next() {
            match self.field(&ty, segment) {
                Some(next) => ty = next,
                None if partial && !is_generic_parameter(&ty) => {
                    let rest: Vec<&str> = std::iter::once(segment).chain(segments).collect();
                    return Some(format!(
                        "{}{ty}.{}",
                        codegraph_core::MEMBERS,
                        rest.join(".")
                    ));
                }
                None => return None,
            }
            steps += 1;
        }
        // A field typed by the impl's generic parameter (`iter: I` under
        // `impl<I: Peek> Foo<I>`): its bound where the use is.
        if is_generic_parameter(&ty) {
            if let Some(bound) = self.local(&ty, byte, scopes) {
                ty = bound;
            }
        }
        // `self` alone is the resolver's business (it knows base classes).
        (steps > 0 || !matches!(first, "self" | "this")).then_some(ty)
    }

    /// The type of a receiver that is itself a call (`pool.get()`,
    /// `Foo::new()`, `a.iter().map(f)`): what the callee returns, written
    /// `RETURNS` + callee for the resolver to look up, the callee's own
    /// receiver replaced by its type where that is known here (so a chain
    /// unwinds: `→→A.iter.map`). `None` when the callee's receiver is a
    /// value of unknown type.
    pub fn call_receiver_type(
        &self,
        receiver: &str,
        byte: usize,
        scopes: &impl Scopes,
        implicit_this: bool,
    ) -> Option<String> {
        self.call_type(
            receiver.trim().trim_end_matches('?'),
            byte,
            scopes,
            implicit_this,
            0,
        )
    }

    /// The type of a value whose text is `receiver`: a typed name or
    /// path, or a call's result, through `?` (Rust's `x.parse()?`).
    fn value_type(
        &self,
        receiver: &str,
        byte: usize,
        scopes: &impl Scopes,
        implicit_this: bool,
        depth: usize,
    ) -> Option<String> {
        let receiver = receiver.trim_end_matches('?');
        if receiver.ends_with(')') {
            self.call_type(receiver, byte, scopes, implicit_this, depth)
        } else {
            self.receiver_type(receiver, byte, scopes, implicit_this)
        }
    }

    fn call_type(
        &self,
        receiver: &str,
        byte: usize,
        scopes: &impl Scopes,
        implicit_this: bool,
        depth: usize,
    ) -> Option<String> {
        const MAX_DEPTH: usize = 4;
        let callee = strip_call(receiver)?;
        let plain = |text: &str| {
            !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | ':' | '#'))
        };
        let returns = codegraph_core::RETURNS;
        let Some((base, method)) = split_member(callee) else {
            // A bare function: `make()`.
            return plain(callee).then(|| format!("{returns}{callee}"));
        };
        if !plain(method) {
            return None;
        }
        if depth >= MAX_DEPTH && base.trim_end_matches('?').ends_with(')') {
            return None;
        }
        match self.value_type(base, byte, scopes, implicit_this, depth + 1) {
            Some(ty) => Some(format!("{returns}{ty}.{method}")),
            // `self.make()`, `Foo::new()`, `Config.load()`, `util::parse()`:
            // the resolver resolves the callee as a call from here.
            None if plain(base)
                && (matches!(base, "self" | "this" | "cls")
                    || callee.contains("::")
                    || base.starts_with(|c: char| c.is_ascii_uppercase())) =>
            {
                Some(format!("{returns}{callee}"))
            }
            None => None,
        }
    }

    fn local(&self, name: &str, byte: usize, scopes: &impl Scopes) -> Option<String> {
        // The innermost range that binds the name here (a nested match's
        // arm inside an outer one's).
        if let Some((_, _, _, ty)) = self
            .within
            .iter()
            .filter(|(start, end, bound, _)| *start <= byte && byte < *end && bound == name)
            .min_by_key(|(start, end, _, _)| end - start)
        {
            return Some(ty.clone());
        }
        let mut scope = scopes.innermost(byte);
        loop {
            if let Some(ty) = self.locals.get(&(scope, name.to_string())) {
                return Some(ty.clone());
            }
            scope = scopes.parent(scope?);
        }
    }

    fn field(&self, ty: &str, name: &str) -> Option<String> {
        self.fields.get(ty)?.get(name).cloned()
    }
}
