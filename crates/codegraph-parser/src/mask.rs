//! C and C++ macros the grammar cannot read, blanked before parsing.
//!
//! Two kinds lose whole definitions. An annotation macro after a
//! function's parameter list (`int size() const BOOST_NOEXCEPT { .. }`,
//! `void unlock(void) __releases(lock) { .. }`): the grammar does not know
//! the name expands to nothing or to an attribute, so the definition
//! becomes a syntax error and its function is lost. A declaration macro on
//! its own line with no `;` (`DEFINE_OP(plus, +)`): the next declaration
//! runs into it. Both are overwritten with spaces, byte for byte (newlines
//! kept), so every offset, row and column stays that of the file, and the
//! text the extractor reads (signatures, source) is still the file's own.
//! On Boost this took ctags' definitions located from .954 to .964.
//!
//! Only where a declaration can stand (the file's top level, a namespace, a
//! class body), never inside a function body, and only macro-looking names
//! (`ALL_CAPS`, or `__name` as the kernel's sparse annotations), each with
//! an optional argument group. An annotation run sits between a parameter
//! list's `)` (and its qualifiers) and what ends a declarator: `{`, `;`,
//! `=`, `:` or `->`; anything else there (a type name in an old-style C
//! definition, an operator) leaves the site as it was.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A string or character literal, or a number.
    Literal,
    Punct(u8),
    Arrow,
    Scope,
}

#[derive(Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

impl Token {
    fn text<'b>(&self, bytes: &'b [u8]) -> &'b [u8] {
        &bytes[self.start..self.end]
    }
}

/// What a brace opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Brace {
    /// A namespace or `extern "C"`: declarations, and (to the grammar)
    /// expression statements.
    Namespace,
    /// A class, struct, union or enum body: member declarations only.
    Class,
    /// A function body, an initializer, a lambda: no declarator here.
    Body,
}

/// What to write over the source before parsing.
#[derive(Default)]
struct Edits {
    /// Byte ranges that become spaces (newlines kept).
    blank: Vec<(usize, usize)>,
    /// Single bytes written after the blanking.
    put: Vec<(usize, u8)>,
}

/// `source` with its annotation and declaration macros blanked, or `None`
/// when it has none (no copy).
pub(crate) fn blank_macros(source: &str) -> Option<String> {
    let bytes = source.as_bytes();
    let tokens = lex(bytes);
    let mut edits = macro_edits(bytes, &tokens);
    annotation_edits(bytes, &tokens, &mut edits);
    if edits.blank.is_empty() {
        return None;
    }
    let mut blanked = bytes.to_vec();
    for (start, end) in edits.blank {
        for byte in &mut blanked[start..end] {
            if !matches!(*byte, b'\n' | b'\r') {
                *byte = b' ';
            }
        }
    }
    for (at, byte) in edits.put {
        blanked[at] = byte;
    }
    // Only whole tokens became ASCII: still UTF-8.
    String::from_utf8(blanked).ok()
}

fn macro_edits(bytes: &[u8], tokens: &[Token]) -> Edits {
    let mut edits = Edits::default();
    let mut braces: Vec<Brace> = Vec::new();
    let mut parens = 0usize;
    // Since the last `;`, `{` or `}`: the scope keyword seen, if any, and
    // whether a `(` or `=` came.
    let (mut keyword, mut paren_or_assign): (Option<Brace>, bool) = (None, false);
    // The index just past the last declaration macro blanked.
    let mut after_macro = None;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let scope = *braces.last().unwrap_or(&Brace::Namespace);
        match token.kind {
            Kind::Punct(b'{') => {
                braces.push(match keyword {
                    Some(brace) if !paren_or_assign => brace,
                    _ => Brace::Body,
                });
                (keyword, paren_or_assign) = (None, false);
            }
            Kind::Punct(b'}') => {
                braces.pop();
                (keyword, paren_or_assign) = (None, false);
            }
            Kind::Punct(b';') if parens == 0 => (keyword, paren_or_assign) = (None, false),
            Kind::Punct(b'=') if parens == 0 => paren_or_assign = true,
            Kind::Ident => match token.text(bytes) {
                b"namespace" | b"extern" => keyword = Some(Brace::Namespace),
                b"class" | b"struct" | b"union" | b"enum" => keyword = Some(Brace::Class),
                word if parens == 0
                    && scope != Brace::Body
                    && (all_caps(word) || lower_case_name(word))
                    && (i == 0 || after_macro == Some(i) || starts_statement(tokens[i - 1])) =>
                {
                    if let Some(end) = declaration_macro(bytes, tokens, i, scope, &mut edits) {
                        after_macro = Some(end);
                        i = end;
                        continue;
                    }
                }
                _ => {}
            },
            Kind::Punct(b'(') => {
                if parens == 0 && scope != Brace::Body && names_a_declarator(bytes, tokens, i) {
                    if let Some(close) = matching(tokens, i) {
                        edits
                            .blank
                            .extend(trailing_macros(bytes, tokens, close + 1));
                    }
                }
                parens += 1;
                paren_or_assign = true;
            }
            Kind::Punct(b')') => parens = parens.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    edits
}

/// Annotation macros inside a declaration, where C has no name to spare:
/// the kernel's sparse and section markers (`char __user *buf`, `static
/// void __iomem *base`, `int count __read_mostly;`, `static const char
/// id[] __initconst = ..`, `struct s { .. } __packed;`, `static
/// __always_inline int f(..)`). The grammar takes such a name for the
/// declarator's (a variable `__read_mostly`, a struct instance `__packed`)
/// or loses the declaration. Only `__lower_case` names that are not the
/// compilers' own keywords or types ([`annotation_like`]), and only where
/// C leaves no other reading: between a declaration's type and its
/// declarator, after a declarator (before `;`, `,`, `=` or `)`), or before
/// a declaration's type. A variable or field of such a name (`u32
/// __reserved;`, `unsigned long __flags;`) keeps it, as does a function
/// (`void __free_pages(..)`) or a call (`} __set_bit(nr, map);`).
fn annotation_edits(bytes: &[u8], tokens: &[Token], edits: &mut Edits) {
    let word = |i: usize| tokens[i].text(bytes);
    let is_ident = |i: usize| tokens[i].kind == Kind::Ident;
    let is_annotation = |i: usize| is_ident(i) && annotation_like(word(i));
    let is_name = |i: usize| is_ident(i) && !keyword(word(i));
    let primitive = |i: usize| is_ident(i) && PRIMITIVES.contains(&word(i));
    let tag = |i: usize| is_ident(i) && matches!(word(i), b"struct" | b"union" | b"enum");
    // Where a declaration starts: nothing, `;`, `{`, `}`, or (for a
    // parameter) `(` and `,`.
    let starts = |at: Option<usize>, parameter: bool| match at {
        None => true,
        Some(i) => match tokens[i].kind {
            Kind::Punct(b';' | b'{' | b'}') => true,
            Kind::Punct(b'(' | b',') => parameter,
            Kind::Ident => QUALIFIERS.contains(&word(i)),
            _ => false,
        },
    };
    // The token at `history[k]` ends a type: a primitive keyword, a
    // struct tag, or a type name where a declaration starts.
    let ends_type = |history: &[Option<usize>; 3], k: usize| match history[k] {
        Some(i) if primitive(i) => true,
        Some(i) if is_name(i) => {
            let before = history.get(k + 1).copied().flatten();
            before.is_some_and(tag) || starts(before, true)
        }
        _ => false,
    };
    // The index of the first token from `from` that is not an annotation
    // (with its argument group, when `groups`).
    let past_annotations = |mut from: usize, groups: bool| {
        while from < tokens.len() && is_annotation(from) {
            let after = after_group(tokens, from + 1);
            if after > from + 1 && !groups {
                break;
            }
            from = after;
        }
        from
    };
    // The last three tokens not blanked, latest first.
    let mut history: [Option<usize>; 3] = [None; 3];
    // Per open brace: whether it opened a struct, union or enum body.
    let mut braces: Vec<bool> = Vec::new();
    let (mut tagged, mut paren_or_assign) = (false, false);
    // Whether the last `}` closed such a body.
    let mut closed_body = false;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        match token.kind {
            Kind::Punct(b'{') => {
                braces.push(tagged && !paren_or_assign);
                (tagged, paren_or_assign) = (false, false);
            }
            Kind::Punct(b'}') => {
                closed_body = braces.pop().unwrap_or(false);
                (tagged, paren_or_assign) = (false, false);
            }
            Kind::Punct(b';') => (tagged, paren_or_assign) = (false, false),
            Kind::Punct(b'(' | b'=') => paren_or_assign = true,
            Kind::Ident if tag(i) => tagged = true,
            _ => {}
        }
        // An argument group that does not close before a brace or `;` is
        // no annotation's: nothing to bound a blank with.
        let group_end = if is_annotation(i) {
            closed_group_end(tokens, i + 1)
        } else {
            None
        };
        if let Some(group_end) = group_end {
            let grouped = group_end > i + 1;
            let next = past_annotations(group_end, true);
            let next_kind = tokens.get(next).map(|t| t.kind);
            let ends_declarator = matches!(next_kind, Some(Kind::Punct(b';' | b',' | b'=' | b')')));
            let prev = history[0];
            // `id[] __initconst =`, `count __read_mostly;`, `u32 *p __rcu;`.
            let after_declarator = ends_declarator
                && prev.is_some_and(|p| {
                    tokens[p].kind == Kind::Punct(b']')
                        || (is_name(p)
                            && (history[1].is_some_and(|q| tokens[q].kind == Kind::Punct(b'*'))
                                || ends_type(&history, 1)))
                });
            // `struct s { .. } __packed;`, `} __aligned(8) name_t;`.
            let after_body = prev.is_some_and(|p| tokens[p].kind == Kind::Punct(b'}'))
                && closed_body
                && (ends_declarator || matches!(next_kind, Some(Kind::Ident | Kind::Punct(b'*'))));
            let plain_next = past_annotations(i + 1, false);
            let before_declarator = !grouped
                && ends_type(&history, 0)
                && matches!(
                    tokens.get(plain_next).map(|t| t.kind),
                    Some(Kind::Ident | Kind::Punct(b'*'))
                );
            // `static __always_inline int f(`, `extern __visible u32 x;`.
            let before_type = !grouped
                && prev.is_some_and(is_ident)
                && starts(prev, false)
                && plain_next < tokens.len()
                && ((is_ident(plain_next)
                    && keyword(word(plain_next))
                    && !matches!(word(plain_next), b"return" | b"sizeof"))
                    || (plain_next + 1 < tokens.len()
                        && is_name(plain_next)
                        && is_name(plain_next + 1)
                        && !annotation_like(word(plain_next + 1))));
            if after_declarator || after_body || before_declarator || before_type {
                edits.blank.push((token.start, tokens[group_end - 1].end));
                i = group_end;
                continue;
            }
        }
        history = [Some(i), history[0], history[1]];
        i += 1;
    }
}

/// C's type keywords.
const PRIMITIVES: &[&[u8]] = &[
    b"void",
    b"char",
    b"short",
    b"int",
    b"long",
    b"float",
    b"double",
    b"signed",
    b"unsigned",
    b"_Bool",
    b"bool",
];

/// Keywords a declaration can start with before its type.
const QUALIFIERS: &[&[u8]] = &[
    b"static",
    b"extern",
    b"inline",
    b"const",
    b"volatile",
    b"register",
];

/// Words that are never a type's or a declarator's name, besides
/// [`PRIMITIVES`] and [`QUALIFIERS`].
const OTHER_KEYWORDS: &[&[u8]] = &[
    b"auto",
    b"restrict",
    b"typedef",
    b"struct",
    b"union",
    b"enum",
    b"return",
    b"if",
    b"else",
    b"while",
    b"for",
    b"do",
    b"switch",
    b"case",
    b"default",
    b"goto",
    b"break",
    b"continue",
    b"sizeof",
    b"typeof",
    b"class",
    b"namespace",
    b"template",
    b"typename",
    b"using",
    b"operator",
    b"new",
    b"delete",
    b"throw",
    b"public",
    b"private",
    b"protected",
    b"virtual",
    b"friend",
    b"mutable",
    b"explicit",
    b"constexpr",
    b"noexcept",
];

fn keyword(word: &[u8]) -> bool {
    PRIMITIVES.contains(&word) || QUALIFIERS.contains(&word) || OTHER_KEYWORDS.contains(&word)
}

/// A name that reads as an annotation macro inside a declaration:
/// `__lower_case` (`__user`, `__init`, `____cacheline_aligned`), other than
/// the compilers' keywords and built-in types (`__inline`, `__int128`,
/// `__attribute__`, `__m128i`) and the kernel's fixed-width types (`__u32`,
/// `__be16`), which stand where a type does.
fn annotation_like(word: &[u8]) -> bool {
    let Some(rest) = word.strip_prefix(b"__") else {
        return false;
    };
    if !rest.iter().any(u8::is_ascii_lowercase)
        || !rest
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        || word.ends_with(b"__")
        || rest.starts_with(b"builtin")
    {
        return false;
    }
    let sized = |prefix: &[u8]| {
        rest.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.iter().all(u8::is_ascii_digit))
    };
    if [
        "u", "s", "le", "be", "m", "int", "float", "bf", "fp", "ibm", "ptr",
    ]
    .iter()
    .any(|p| sized(p.as_bytes()))
        || rest.starts_with(b"kernel_")
        || rest.starts_with(b"m128")
        || rest.starts_with(b"m256")
        || rest.starts_with(b"m512")
    {
        return false;
    }
    !matches!(
        rest,
        b"inline"
            | b"restrict"
            | b"volatile"
            | b"const"
            | b"signed"
            | b"asm"
            | b"typeof"
            | b"alignof"
            | b"attribute"
            | b"thread"
            | b"auto_type"
            | b"real"
            | b"imag"
            | b"complex"
            | b"declspec"
            | b"cdecl"
            | b"clrcall"
            | b"stdcall"
            | b"fastcall"
            | b"thiscall"
            | b"vectorcall"
            | b"based"
            | b"sptr"
            | b"uptr"
            | b"unaligned"
            | b"forceinline"
            | b"try"
            | b"except"
            | b"finally"
            | b"leave"
            | b"wchar_t"
            | b"w64"
            | b"wsum"
            | b"sum16"
            | b"poll_t"
            | b"event"
            | b"interface"
            | b"super"
            | b"uuidof"
            | b"noop"
            | b"assume"
    )
}

/// Whether a declaration can start after `token`.
fn starts_statement(token: Token) -> bool {
    matches!(token.kind, Kind::Punct(b';' | b'{' | b'}' | b':'))
}

/// A macro invocation standing as a declaration of its own, with no `;`
/// (`BOOST_NUMERIC_FUNCTIONAL_DEFINE_BINARY_OP(plus, +, ..)` on its own line,
/// a class body's `BOOST_MOVABLE_BUT_NOT_COPYABLE(file)`): its arguments
/// are rarely expressions and the next declaration runs into it. In a
/// namespace it becomes the call statement `NAME();` (the macro's use is
/// still a reference), in a class body blanks (there, `NAME();` would read
/// as a constructor). Returns the index after its `)`, if it is one: the
/// `)` ends its line and what follows on the next can start a declaration.
fn declaration_macro(
    bytes: &[u8],
    tokens: &[Token],
    name: usize,
    scope: Brace,
    edits: &mut Edits,
) -> Option<usize> {
    let open = tokens
        .get(name + 1)
        .filter(|t| t.kind == Kind::Punct(b'('))?;
    let close_index = matching(tokens, name + 1)?;
    let close = tokens[close_index];
    if let Some(next) = tokens.get(close_index + 1) {
        let on_next_line = bytes[close.end..next.start].contains(&b'\n');
        let starts_declaration = match next.kind {
            Kind::Ident | Kind::Scope => !matches!(
                next.text(bytes),
                b"const" | b"volatile" | b"override" | b"final" | b"noexcept" | b"try"
            ),
            Kind::Punct(b) => matches!(b, b'}' | b'~' | b'['),
            _ => false,
        };
        if !on_next_line || !starts_declaration {
            return None;
        }
    }
    let inside = (open.end..close.start).find(|&at| !matches!(bytes[at], b'\n' | b'\r'));
    match (scope, inside) {
        (Brace::Namespace, Some(at)) => {
            edits.blank.push((open.end, close.end));
            edits.put.extend([(at, b')'), (close.start, b';')]);
        }
        _ => edits.blank.push((tokens[name].start, close.end)),
    }
    Some(close_index + 1)
}

/// Words that can come before a `(` without naming a function.
const NOT_A_NAME: &[&[u8]] = &[
    b"if",
    b"while",
    b"for",
    b"switch",
    b"return",
    b"sizeof",
    b"alignof",
    b"decltype",
    b"typeid",
    b"typeof",
    b"__typeof__",
    b"catch",
    b"noexcept",
    b"throw",
    b"static_assert",
    b"_Static_assert",
    b"__attribute__",
    b"__declspec",
    b"alignas",
    b"asm",
    b"__asm__",
    b"new",
    b"delete",
    b"requires",
    b"defined",
];

/// Whether the `(` at `open` can start a function's parameter list: it
/// follows a function's name (not a keyword, not a macro's `ALL_CAPS`
/// name) or an operator's (`operator==(`, `operator()(`), and that name
/// follows what a declaration has there (a type, `*`, `&`, `::`, `~`, or
/// nothing), not an expression's `=`, `(`, `,` or operator.
fn names_a_declarator(bytes: &[u8], tokens: &[Token], open: usize) -> bool {
    let Some(before) = open.checked_sub(1).map(|i| tokens[i]) else {
        return false;
    };
    let word = before.text(bytes);
    let name = match before.kind {
        Kind::Ident if !NOT_A_NAME.contains(&word) && !all_caps(word) => open - 1,
        // An operator's symbol: up to three punctuation tokens back to
        // `operator` (`operator()` is `(` `)`).
        Kind::Punct(_) | Kind::Arrow => {
            let back = tokens[open.saturating_sub(4)..open]
                .iter()
                .rev()
                .take_while(|t| matches!(t.kind, Kind::Punct(_) | Kind::Arrow))
                .count();
            match open.checked_sub(back + 1).map(|i| (i, tokens[i])) {
                Some((i, t)) if t.kind == Kind::Ident && t.text(bytes) == b"operator" => i,
                _ => return false,
            }
        }
        _ => return false,
    };
    match name.checked_sub(1).map(|i| tokens[i].kind) {
        None => true,
        Some(kind) => matches!(
            kind,
            Kind::Ident
                | Kind::Scope
                | Kind::Punct(b'*' | b'&' | b'>' | b'~' | b';' | b'{' | b'}' | b':')
        ),
    }
}

/// The spans of the macros between a parameter list's `)` (the token
/// before `from`) and the end of its declarator, if the run is made only of
/// qualifiers and macro-looking names and ends where a declarator can.
fn trailing_macros(bytes: &[u8], tokens: &[Token], from: usize) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = from;
    while let Some(token) = tokens.get(i) {
        let word = token.text(bytes);
        match token.kind {
            Kind::Punct(b'{' | b';' | b'=' | b':') | Kind::Arrow => return spans,
            Kind::Ident if word == b"try" => return spans,
            Kind::Punct(b'&') => i += 1,
            // `[[nodiscard]]` and the like: the grammar reads them.
            Kind::Punct(b'[') => match tokens.get(i + 1) {
                Some(next) if next.kind == Kind::Punct(b'[') => match matching(tokens, i) {
                    Some(close) => i = close + 1,
                    None => break,
                },
                _ => break,
            },
            Kind::Ident
                if matches!(
                    word,
                    b"const" | b"volatile" | b"override" | b"final" | b"mutable"
                ) =>
            {
                i += 1
            }
            Kind::Ident
                if matches!(
                    word,
                    b"noexcept" | b"throw" | b"__attribute__" | b"__declspec" | b"alignas"
                ) =>
            {
                i = after_group(tokens, i + 1);
            }
            Kind::Ident if macro_like(word) => {
                let end = after_group(tokens, i + 1);
                spans.push((token.start, tokens[end - 1].end));
                i = end;
            }
            _ => break,
        }
    }
    Vec::new()
}

/// The index after the balanced group opening at `i`, or `i` itself when
/// no group opens there (the end, for a group that never closes).
fn after_group(tokens: &[Token], i: usize) -> usize {
    closed_group_end(tokens, i).unwrap_or(tokens.len())
}

/// [`after_group`], or `None` for a group that never closes (before a
/// brace or `;`, or the end).
fn closed_group_end(tokens: &[Token], i: usize) -> Option<usize> {
    match tokens.get(i) {
        Some(t) if t.kind == Kind::Punct(b'(') => matching(tokens, i).map(|c| c + 1),
        _ => Some(i),
    }
}

/// The index of the bracket closing the one at `open` (`(` or `[`).
fn matching(tokens: &[Token], open: usize) -> Option<usize> {
    let Kind::Punct(opener) = tokens[open].kind else {
        return None;
    };
    let closer = if opener == b'(' { b')' } else { b']' };
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Punct(b) if b == opener => depth += 1,
            Kind::Punct(b) if b == closer => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            // A group never spans a brace: unbalanced text stops here.
            Kind::Punct(b'{' | b'}' | b';') => return None,
            _ => {}
        }
    }
    None
}

fn all_caps(word: &[u8]) -> bool {
    word.len() >= 2
        && word.iter().any(u8::is_ascii_uppercase)
        && word
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A `lower_case` name that is not one of C's or C++'s keywords: at a
/// declaration's start, with `(` after it and its `)` ending the line, it
/// is a macro standing as a declaration (the kernel's `module_init(f)`,
/// `module_platform_driver(d)`, written without a `;`), as no function is
/// defined without a body or declared without a `;`.
fn lower_case_name(word: &[u8]) -> bool {
    word.first().is_some_and(u8::is_ascii_lowercase)
        && word
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !keyword(word)
        && !NOT_A_NAME.contains(&word)
}

/// A name that reads as a macro: `ALL_CAPS`, or `__name` (the reserved
/// names annotation macros use), other than the compilers' own keywords.
fn macro_like(word: &[u8]) -> bool {
    all_caps(word)
        || (word.starts_with(b"__")
            && !matches!(
                word,
                b"__attribute__" | b"__declspec" | b"__asm__" | b"__extension__" | b"__restrict"
            ))
}

fn lex(bytes: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let kind = match b {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b' => {
                i += 1;
                continue;
            }
            // A preprocessor line, with its continuations.
            b'#' if line_start => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    } else if bytes[i..].starts_with(b"/*") {
                        i = block_comment_end(bytes, i);
                        continue;
                    }
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(bytes, i);
                continue;
            }
            b'"' | b'\'' => {
                i = quoted_end(bytes, i);
                Kind::Literal
            }
            b'0'..=b'9' => {
                i = number_end(bytes, i);
                Kind::Literal
            }
            _ if is_word_byte(b) => {
                while i < bytes.len() && (is_word_byte(bytes[i]) || bytes[i].is_ascii_digit()) {
                    i += 1;
                }
                // A raw string (`R"x(..)x"`, `u8R"(..)"`) or a prefixed
                // literal (`L"..."`, `u'x'`).
                let word = &bytes[start..i];
                let prefix = matches!(
                    word,
                    b"L" | b"u" | b"U" | b"u8" | b"R" | b"LR" | b"uR" | b"UR" | b"u8R"
                );
                match bytes.get(i) {
                    Some(b'"') if prefix && word.ends_with(b"R") => {
                        i = raw_string_end(bytes, i);
                        Kind::Literal
                    }
                    Some(b'"' | b'\'') if prefix => {
                        i = quoted_end(bytes, i);
                        Kind::Literal
                    }
                    _ => Kind::Ident,
                }
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                Kind::Arrow
            }
            b':' if bytes.get(i + 1) == Some(&b':') => {
                i += 2;
                Kind::Scope
            }
            _ => {
                i += 1;
                Kind::Punct(b)
            }
        };
        tokens.push(Token {
            kind,
            start,
            end: i,
        });
        line_start = false;
    }
    tokens
}

fn is_word_byte(b: u8) -> bool {
    b == b'_' || b == b'$' || b.is_ascii_alphabetic() || b >= 0x80
}

/// The end of the number starting at `start`: digits, letters (`0x1fULL`),
/// `.`, an exponent's sign and C++14's digit separators (`1'000'000`).
fn number_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        let c = bytes[i];
        let exponent_sign =
            matches!(c, b'+' | b'-') && matches!(bytes[i - 1], b'e' | b'E' | b'p' | b'P');
        let separator = c == b'\'' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
        if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exponent_sign || separator) {
            break;
        }
        i += 1;
    }
    i
}

fn block_comment_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 2;
    while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
        i += 1;
    }
    (i + 2).min(bytes.len())
}

/// The end of the quoted literal opening at `start` (a quote), stopping at
/// an unescaped newline as the compiler would.
fn quoted_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end of the raw string whose `"` is at `quote`: `"delim( .. )delim"`.
fn raw_string_end(bytes: &[u8], quote: usize) -> usize {
    let Some(open) = bytes[quote..].iter().take(20).position(|&b| b == b'(') else {
        return quoted_end(bytes, quote);
    };
    let delimiter = &bytes[quote + 1..quote + open];
    let mut i = quote + open + 1;
    while i < bytes.len() {
        if bytes[i] == b')'
            && bytes[i + 1..].starts_with(delimiter)
            && bytes.get(i + 1 + delimiter.len()) == Some(&b'"')
        {
            return i + delimiter.len() + 2;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::blank_macros;

    /// `source` blanked, checked to keep every byte offset and line.
    fn blanked(source: &str) -> String {
        let out = blank_macros(source).unwrap_or_else(|| source.to_string());
        assert_eq!(out.len(), source.len());
        assert_eq!(out.lines().count(), source.lines().count());
        out
    }

    #[test]
    fn trailing_annotation_macros_become_spaces() {
        let source = "struct A {\n  int size() const BOOST_NOEXCEPT { return 1; }\n  bool operator==(A const&) const BOOST_NOEXCEPT_IF(X<(1>0)>::value);\n};\nvoid unlock(struct l *l)\n\t__releases(l) { }\n";
        let out = blanked(source);
        assert!(
            out.contains("int size() const                { return 1; }"),
            "{out}"
        );
        assert!(!out.contains("BOOST_NOEXCEPT_IF"), "{out}");
        assert!(out.contains("bool operator==(A const&) const "), "{out}");
        assert!(!out.contains("__releases"), "{out}");
    }

    #[test]
    fn declaration_macros_on_their_own_lines_become_calls_or_spaces() {
        let source = "namespace n {\n  DEFINE_OP(plus, +)\n  DEFINE_OP(\n    minus, -)\n  struct S {\n    NOT_COPYABLE(S)\n  public:\n    S();\n  };\n}\n";
        let out = blanked(source);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1].trim_end(), "  DEFINE_OP()      ;");
        assert_eq!(lines[2].trim_end(), "  DEFINE_OP(");
        assert_eq!(lines[3].trim_end(), ")           ;");
        assert_eq!(lines[5].trim(), "");
    }

    #[test]
    fn lower_case_declaration_macros_without_a_semicolon_become_calls() {
        // The kernel's way to end a driver: the function after them was
        // lost to the grammar's error recovery.
        let source = "static void __exit uio_exit(void)\n{\n}\n\nmodule_init(uio_init)\nmodule_exit(uio_exit)\nMODULE_LICENSE(\"GPL\");\nint probe(void)\n{\n\treturn 0;\n}\n";
        let out = blanked(source);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[4].trim_end(), "module_init()       ;");
        assert_eq!(lines[5].trim_end(), "module_exit()       ;");
        assert_eq!(lines[6], "MODULE_LICENSE(\"GPL\");");
        // A definition whose name starts its line is no macro: its `)` is
        // followed by a body, a `;`, or the qualifiers of C++.
        for kept in [
            "static int\nfoo(int x)\n{\n\treturn x;\n}\n",
            "int x;\nfoo(int x)\n{\n\treturn x;\n}\n",
            "int x;\nfoo(int x);\n",
            "int x;\nvoid (*handler)(int);\n",
            "class C {\npublic:\n  C(int x)\n    : x_(x) {}\n  int x_;\n};\n",
        ] {
            assert_eq!(blanked(kept), kept);
        }
    }

    #[test]
    fn annotations_inside_declarations_become_spaces() {
        for (source, annotations) in [
            ("static void __iomem *base;", &["__iomem"][..]),
            ("ssize_t r(char __user *buf);", &["__user"]),
            ("static int __init f(void) { }", &["__init"]),
            ("int count __read_mostly;", &["__read_mostly"]),
            (
                "static const char id[] __initconst = \"x\";",
                &["__initconst"],
            ),
            ("static struct s v __initdata = { };", &["__initdata"]),
            ("u32 x __aligned(8), y;", &["__aligned(8)"]),
            ("struct s { int a; } __packed;", &["__packed"]),
            (
                "typedef struct { int a; } __packed __aligned(2) t;",
                &["__packed", "__aligned(2)"],
            ),
            ("static __always_inline int f(void);", &["__always_inline"]),
            ("extern __visible u32 x;", &["__visible"]),
            ("void f(int a __maybe_unused) { }", &["__maybe_unused"]),
            ("static int __init __cold f(void);", &["__init", "__cold"]),
            // A group that never closes bounds nothing.
            ("int x __section(({ 1; }));\nint y __packed;", &["__packed"]),
        ] {
            let mut want = source.to_string();
            for annotation in annotations {
                want = want.replacen(annotation, &" ".repeat(annotation.len()), 1);
            }
            assert_eq!(blanked(source), want, "{source}");
        }
    }

    #[test]
    fn names_that_only_look_like_annotations_are_kept() {
        for source in [
            // Fields and variables so named, and the kernel's own types.
            "struct s {\n  u32 __reserved;\n  unsigned long __flags;\n  __u32 len;\n  const __be32 *p;\n};\n",
            "static __u32 count;\ntypedef u32 __bar;\nstruct foo __baz;\nunsigned __int128 wide;\n",
            // Functions and calls so named.
            "static void __free_pages(struct page *p) { if (x) { run(); } __set_bit(1, map); return __y; }\n",
            // The standard library's own reserved names.
            "template <class _Tp> void swap(_Tp& __a, size_type __n) { _Tp __tmp = __a; }\n",
        ] {
            assert_eq!(blank_macros(source), None, "{source}");
        }
    }

    #[test]
    fn code_that_is_no_such_macro_is_left_alone() {
        for source in [
            // Inside a body: a statement, not a declaration.
            "void f() { if (x) TRACE(x); g(a) FOO; }",
            // A macro invocation's own arguments, a K&R definition, a
            // trailing return type, a string, a comment.
            "DEFINE_LOCK(a) NEXT(b);\nint old(a) long a; { }\nauto g() -> T { }\n",
            "const char *s = \"f() X {\"; /* g() Y { */ // h() Z {\n",
            "#define F(x) int f() NOEXCEPT {\nint k = f(1) BOOST_NOEXCEPT;\n",
            "int main() { return 0; }\n",
            // A macro that opens a definition, or ends with its `;`, or
            // is inside a body.
            "TEST_CASE(name)\n{\n}\nDECLARE(x);\nvoid f() {\n  SETUP(a)\n  run();\n}\n",
        ] {
            assert_eq!(blank_macros(source), None, "{source}");
        }
    }
}
