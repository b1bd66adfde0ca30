; C++ extraction rules. Capture vocabulary: see src/spec.rs (Role).

(namespace_definition name: [(namespace_identifier) (nested_namespace_specifier)] @name) @definition.namespace
(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
; A template specialization (`struct feature_of<tag::value<T>> { .. }`).
(class_specifier name: (template_type name: (type_identifier) @name) body: (_)) @definition.class
(struct_specifier name: (template_type name: (type_identifier) @name) body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.union
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition type: (struct_specifier !name body: (_)) declarator: (type_identifier) @name) @definition.struct
(type_definition declarator: [
  (type_identifier) @name
  (pointer_declarator declarator: (type_identifier) @name)
]) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type
(enumerator name: (identifier) @name) @definition.variant

; Out-of-line members: `void Foo::bar() {}` is `Foo::bar`.
(function_definition
  declarator: (function_declarator declarator: (qualified_identifier scope: (_) @owner name: (_) @name))) @definition.method
(function_definition
  declarator: (_ (function_declarator declarator: (qualified_identifier scope: (_) @owner name: (_) @name)))) @definition.method
(function_definition
  declarator: (function_declarator declarator: [(identifier) (field_identifier) (destructor_name) (operator_name)] @name)) @definition.function
(function_definition
  declarator: (_ (function_declarator declarator: [(identifier) (field_identifier) (operator_name)] @name))) @definition.function
(field_declaration declarator: (function_declarator declarator: [(field_identifier) (destructor_name) (operator_name)] @name)) @definition.method
(declaration declarator: (function_declarator declarator: [(destructor_name) (identifier)] @name) (#match? @name "^~")) @definition.method

(field_declaration declarator: [
  (field_identifier) @name
  (pointer_declarator declarator: (field_identifier) @name)
  (reference_declarator (field_identifier) @name)
  (array_declarator declarator: (field_identifier) @name)
]) @definition.field

(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro

(translation_unit (declaration declarator: [
  (identifier) @name
  (init_declarator declarator: (identifier) @name)
  (init_declarator declarator: (pointer_declarator declarator: (identifier) @name))
  (init_declarator declarator: (array_declarator declarator: (identifier) @name))
  (pointer_declarator declarator: (identifier) @name)
  (array_declarator declarator: (identifier) @name)
]) @definition.variable)
(namespace_definition body: (declaration_list (declaration declarator: [
  (identifier) @name
  (init_declarator declarator: (identifier) @name)
  (init_declarator declarator: (pointer_declarator declarator: (identifier) @name))
  (init_declarator declarator: (array_declarator declarator: (identifier) @name))
  (pointer_declarator declarator: (identifier) @name)
  (array_declarator declarator: (identifier) @name)
]) @definition.variable))

(base_class_clause [
  (type_identifier) @name
  (qualified_identifier name: (type_identifier) @name)
  (template_type name: (type_identifier) @name)
]) @reference.inherit

(call_expression function: (identifier) @name) @reference.call
(call_expression
  function: (field_expression argument: (_) @receiver field: (field_identifier) @name)) @reference.call
(call_expression
  function: (qualified_identifier scope: (_) @receiver name: (identifier) @name)) @reference.call
(call_expression function: (template_function name: (identifier) @name)) @reference.call
(new_expression type: (type_identifier) @name) @reference.call
(new_expression
  type: (qualified_identifier scope: (_) @receiver name: (type_identifier) @name)) @reference.call
; A constructor called by a declaration: `Circle c(2.0);`, `geo::Point p{1, 2};`.
(declaration
  type: (type_identifier) @name
  declarator: (init_declarator value: [(argument_list) (initializer_list)])) @reference.call
(declaration
  type: (qualified_identifier scope: (_) @receiver name: (type_identifier) @name)
  declarator: (init_declarator value: [(argument_list) (initializer_list)])) @reference.call

(type_identifier) @name @reference.type

(preproc_include path: [(string_literal) (system_lib_string)] @import.path) @import
(using_declaration (qualified_identifier) @import.path) @import

; Receiver types (src/types.rs): declared types of parameters, locals and
; fields.
(parameter_declaration type: (_) @binding.type declarator: [
  (identifier) @binding.name
  (pointer_declarator declarator: (identifier) @binding.name)
  (reference_declarator (identifier) @binding.name)
]) @binding
(field_declaration type: (_) @binding.type declarator: [
  (field_identifier) @binding.name
  (pointer_declarator declarator: (field_identifier) @binding.name)
]) @binding
(declaration type: (_) @binding.type declarator: [
  (identifier) @binding.name
  (init_declarator declarator: (identifier) @binding.name)
  (init_declarator declarator: (pointer_declarator declarator: (identifier) @binding.name))
]) @binding
