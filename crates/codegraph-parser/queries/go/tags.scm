; Go extraction rules. Capture vocabulary: see src/spec.rs (Role).

(package_clause (package_identifier) @name) @package

(function_declaration name: (identifier) @name) @definition.function
(method_declaration
  receiver: (parameter_list (parameter_declaration type: [
    (type_identifier) @owner
    (pointer_type (type_identifier) @owner)
    (generic_type type: (type_identifier) @owner)
    (pointer_type (generic_type type: (type_identifier) @owner))
  ]))
  name: (field_identifier) @name) @definition.method

(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
(method_elem name: (field_identifier) @name) @definition.method
(field_declaration name: (field_identifier) @name) @definition.field
(const_spec name: (identifier) @name) @definition.constant
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))

(call_expression function: (identifier) @name) @reference.call
(call_expression
  function: (selector_expression operand: (_) @receiver field: (field_identifier) @name)) @reference.call

(interface_type (type_elem (type_identifier) @name)) @reference.inherit
(struct_type (field_declaration_list (field_declaration !name type: [
  (type_identifier) @name
  (pointer_type (type_identifier) @name)
]))) @reference.inherit

(type_identifier) @name @reference.type

(import_spec name: (package_identifier)? @import.alias path: (interpreted_string_literal) @import.path) @import

; Receiver types (src/types.rs): parameters (method receivers too), struct
; fields, `var x T`, `x := T{..}` / `x := &T{..}`.
(parameter_declaration name: (identifier) @binding.name type: (_) @binding.type) @binding
(field_declaration name: (field_identifier) @binding.name type: (_) @binding.type) @binding
(var_spec name: (identifier) @binding.name type: (_) @binding.type) @binding
(short_var_declaration
  left: (expression_list . (identifier) @binding.name)
  right: (expression_list . [
    (composite_literal type: (_) @binding.class)
    (unary_expression operand: (composite_literal type: (_) @binding.class))
  ])) @binding
