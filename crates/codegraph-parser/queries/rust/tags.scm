; Rust extraction rules. Capture vocabulary: see src/spec.rs (Role).

(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(union_item name: (type_identifier) @name) @definition.union
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
; A trait's associated type (`type Output: Iterator;`).
(associated_type name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name) @definition.module
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.variable
(macro_definition name: (identifier) @name) @definition.macro
(field_declaration name: (field_identifier) @name) @definition.field
(enum_variant name: (identifier) @name) @definition.variant

; `impl Foo { .. }` names a scope: methods inside are `Foo::method`.
; So do `impl Foo for str` and `impl Foo for &'a Bar<T>` (`&Bar::method`,
; the adapter marks the borrow).
(impl_item
  type: [
    (type_identifier) @name
    (generic_type type: (type_identifier) @name)
    (scoped_type_identifier name: (type_identifier) @name)
    (primitive_type) @name
    (reference_type type: [
      (type_identifier) @name
      (generic_type type: (type_identifier) @name)
      (scoped_type_identifier name: (type_identifier) @name)
      (primitive_type) @name
    ])
  ]) @scope

(impl_item
  trait: [
    (type_identifier) @name
    (generic_type type: (type_identifier) @name)
    (scoped_type_identifier name: (type_identifier) @name)
  ]
  type: [
    (type_identifier) @receiver
    (generic_type type: (type_identifier) @receiver)
    (scoped_type_identifier name: (type_identifier) @receiver)
    (reference_type type: [
      (type_identifier) @receiver
      (generic_type type: (type_identifier) @receiver)
      (scoped_type_identifier name: (type_identifier) @receiver)
    ])
  ]) @reference.implement

(trait_item bounds: (trait_bounds (type_identifier) @name)) @reference.inherit
; A module's type alias is the type it names (`type DiGraph<N, E> =
; Graph<N, E, Directed>`): a `DiGraph`'s methods are `Graph`'s. Not an
; impl's associated type, nor an alias of its namesake (`type Result<T> =
; std::result::Result<T, Error>`).
(source_file
  (type_item
    name: (type_identifier) @_alias
    type: [
      (type_identifier) @name
      (generic_type type: (type_identifier) @name)
      (scoped_type_identifier name: (type_identifier) @name)
    ]) @reference.inherit
  (#not-eq? @name @_alias))
(mod_item body: (declaration_list
  (type_item
    name: (type_identifier) @_alias
    type: [
      (type_identifier) @name
      (generic_type type: (type_identifier) @name)
      (scoped_type_identifier name: (type_identifier) @name)
    ]) @reference.inherit
  (#not-eq? @name @_alias)))

(call_expression function: (identifier) @name) @reference.call
(call_expression
  function: (field_expression value: (_) @receiver field: (field_identifier) @name)) @reference.call
(call_expression
  function: (scoped_identifier path: (_) @receiver name: (identifier) @name)) @reference.call
(call_expression
  function: (generic_function function: [
    (identifier) @name
    (scoped_identifier path: (_) @receiver name: (identifier) @name)
    (field_expression value: (_) @receiver field: (field_identifier) @name)
  ])) @reference.call
(macro_invocation macro: (identifier) @name) @reference.macro
; A macro's arguments are a token tree, not expressions: `f(x)` among them
; (format!("{}", f(x)), assert_eq!(f(x), 1)) is read as a call.
; Only a parenthesised tree follows a call: `name { .. }` is a block or a
; struct literal, `name [ .. ]` an index.
(macro_invocation
  (token_tree
    (identifier) @name @reference.call
    .
    (token_tree) @_args
    (#match? @_args "^\\(")))
(struct_expression name: [
  (type_identifier) @name
  (scoped_type_identifier name: (type_identifier) @name)
]) @reference.type

; The type a value path goes through (`HeaderMap::new()`, `Method::GET`,
; `Cursor::Head =>`, `header::HeaderMap::new()`) is referenced too.
((scoped_identifier path: (identifier) @name) @reference.type
  (#match? @name "^[A-Z]"))
((scoped_identifier
  path: (scoped_identifier path: (_) @receiver name: (identifier) @name)) @reference.type
  (#match? @name "^[A-Z]"))

; A type path (`Self::Item`, `io::Error`, `I::Item`): a member of its owner.
(scoped_type_identifier path: (_) @receiver name: (type_identifier) @name) @reference.type
(type_identifier) @name @reference.type
; `Add<V, Output = V>` binds the trait's associated type: no reference.
(type_binding name: (type_identifier) @not_reference)

(use_declaration argument: (_) @import.path) @import
(extern_crate_declaration name: (identifier) @import.path) @import
; `mod foo;` brings in foo.rs or foo/mod.rs (the adapter marks the path
; `mod::foo` so import resolution knows it is file-relative).
(mod_item name: (identifier) @import.path !body) @import

; Receiver types (src/types.rs): declared types of parameters, `let`s and
; fields; `let x = T::new(..)` and `let x = T { .. }`.
(parameter pattern: (identifier) @binding.name type: (_) @binding.type) @binding
(let_declaration pattern: (identifier) @binding.name type: (_) @binding.type) @binding
; `static MAP: Table = ..`, `const EMPTY: Set = ..`: typed wherever seen.
(static_item name: (identifier) @binding.name type: (_) @binding.type) @binding
(const_item name: (identifier) @binding.name type: (_) @binding.type) @binding
(let_declaration
  pattern: (identifier) @binding.name
  value: (call_expression function: (scoped_identifier path: (_) @binding.class name: (identifier) @_new))
  (#eq? @_new "new")) @binding
(let_declaration pattern: (identifier) @binding.name value: (struct_expression name: (_) @binding.class)) @binding
; `let it = self.iter()`, `let cfg = Config::load(p)`, `let n = parse(s)`:
; what the callee declares it returns, looked up when resolving.
(let_declaration
  pattern: (identifier) @binding.name
  value: (call_expression
    function: [(identifier) (field_expression) (generic_function)] @binding.class)) @binding
((let_declaration
  pattern: (identifier) @binding.name
  value: (call_expression function: (scoped_identifier name: (identifier) @_fn) @binding.class)) @binding
  (#not-eq? @_fn "new"))
; `let r = if c { Left(a) } else { Right(b) }`: the branches have the
; `if`'s type, so the first branch's last expression, if a call, says it.
(let_declaration
  pattern: (identifier) @binding.name
  value: (if_expression
    consequence: (block
      (call_expression function: [(identifier) (scoped_identifier)] @binding.class) .))) @binding
; `for edge in g.edges(a)`: an element of the walked value, in the loop.
(for_expression pattern: (identifier) @binding.name value: (_) @binding.item) @binding
; `g.edges(a).filter(|e| e.source() == n)`: an iterator adaptor's closure
; takes the items of the value it is called on, in the closure.
((call_expression
  function: (field_expression value: (_) @binding.item field: (field_identifier) @_adaptor)
  arguments: (arguments .
    (closure_expression parameters: (closure_parameters . (identifier) @binding.name)) @binding))
  (#match? @_adaptor "^(map|filter|for_each|any|all|find|filter_map|flat_map|take_while|skip_while|position|inspect|max_by_key|min_by_key|find_map|map_while|partition|try_for_each)$"))
; `let it = match k { 3 => Left(0..10), _ => Right(17..) }`: each arm has
; the match's type, so the first arm that is a call says it.
(let_declaration
  pattern: (identifier) @binding.name
  value: (match_expression
    body: (match_block
      (match_arm value: (call_expression function: [(identifier) (scoped_identifier)] @binding.class))))) @binding
; `let it = self.combs`, `let pool = other`: the value's type, if known.
(let_declaration
  pattern: (identifier) @binding.name
  value: [(field_expression) (identifier)] @binding.value) @binding
; `let Self { iter, f, .. } = self` and `let Foo { pool: p } = foo`: each
; name the field's type (the adapter reads `self.iter`, `foo.pool`).
(let_declaration
  pattern: (struct_pattern [
    (field_pattern name: (shorthand_field_identifier) @binding.name)
    (field_pattern pattern: (identifier) @binding.name)
  ])
  value: (_) @binding.value) @binding
(field_declaration name: (field_identifier) @binding.name type: (_) @binding.type) @binding
; `Entry::Occupied(mut e) => e.get()`, `if let Slot::Full(v) = ..`: inside
; the arm (the `if let`), the name has the type of that variant's field.
; Not the standard library's `Some`, `Ok`, `Err`.
((match_arm
  pattern: (match_pattern (tuple_struct_pattern
    type: [(identifier) (scoped_identifier)] @binding.variant
    [(identifier) @binding.name
     (mut_pattern (identifier) @binding.name)
     (ref_pattern (identifier) @binding.name)]))) @binding
  (#not-match? @binding.variant "^(Some|Ok|Err)$"))
([(if_expression condition: (let_condition pattern: (tuple_struct_pattern
    type: [(identifier) (scoped_identifier)] @binding.variant
    [(identifier) @binding.name
     (mut_pattern (identifier) @binding.name)
     (ref_pattern (identifier) @binding.name)])))
  (while_expression condition: (let_condition pattern: (tuple_struct_pattern
    type: [(identifier) (scoped_identifier)] @binding.variant
    [(identifier) @binding.name
     (mut_pattern (identifier) @binding.name)
     (ref_pattern (identifier) @binding.name)])))] @binding
  (#not-match? @binding.variant "^(Some|Ok|Err)$"))
; A tuple struct's fields are named by position (`self.0`): the type is
; its own name capture, numbered by the adapter.
(struct_item
  body: (ordered_field_declaration_list type: (_) @binding.name @binding.type) @binding)
; A generic parameter stands for its first trait bound (`<I: Iterator>`,
; `where I: Iterator`): a value of type I has that trait's methods.
(type_parameter
  name: (type_identifier) @binding.name
  bounds: (trait_bounds . [(type_identifier) (generic_type) (scoped_type_identifier)] @binding.type)) @binding
(where_predicate
  left: (type_identifier) @binding.name
  bounds: (trait_bounds . [(type_identifier) (generic_type) (scoped_type_identifier)] @binding.type)) @binding
; `where F: for<'a> KeyFunction<&'a T>`: a higher-ranked bound is a bound.
(where_predicate
  left: (type_identifier) @binding.name
  bounds: (trait_bounds . (higher_ranked_trait_bound
    type: [(type_identifier) (generic_type) (scoped_type_identifier)] @binding.type))) @binding
; A generic parameter: inside its item, a bare type of that name is it,
; not a type defined elsewhere.
(type_parameter name: (type_identifier) @local.type)
