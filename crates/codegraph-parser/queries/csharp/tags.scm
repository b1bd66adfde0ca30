; C# extraction rules. Capture vocabulary: see src/spec.rs (Role).

(file_scoped_namespace_declaration name: (_) @name) @package
; The declaration itself is a node too (what `find` locates).
(file_scoped_namespace_declaration name: (_) @name) @definition.namespace
(namespace_declaration name: (_) @name) @definition.namespace
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(enum_member_declaration name: (identifier) @name) @definition.variant
(delegate_declaration name: (identifier) @name) @definition.type
(method_declaration name: (identifier) @name) @definition.method
(local_function_statement name: (identifier) @name) @definition.function
(constructor_declaration name: (identifier) @name) @definition.constructor
(property_declaration name: (identifier) @name) @definition.field
(field_declaration (variable_declaration (variable_declarator name: (identifier) @name) @definition.field))

; `class A : Base, IService`: the grammar does not tell a base class from
; an interface; C#'s `I` prefix convention does.
((base_list [(identifier) @name (generic_name (identifier) @name) (qualified_name name: (identifier) @name)]) @reference.implement
  (#match? @name "^I[A-Z]"))
((base_list [(identifier) @name (generic_name (identifier) @name) (qualified_name name: (identifier) @name)]) @reference.inherit
  (#not-match? @name "^I[A-Z]"))

(invocation_expression function: (member_access_expression expression: (_) @receiver name: [(identifier) @name (generic_name (identifier) @name)])) @reference.call
(invocation_expression function: [(identifier) @name (generic_name (identifier) @name)]) @reference.call
(object_creation_expression type: [(identifier) @name (generic_name (identifier) @name) (qualified_name name: (identifier) @name)]) @reference.call

(variable_declaration type: [(identifier) @name (generic_name (identifier) @name)]) @reference.type
(parameter type: [(identifier) @name (generic_name (identifier) @name)]) @reference.type
(method_declaration returns: [(identifier) @name (generic_name (identifier) @name)]) @reference.type
(property_declaration type: [(identifier) @name (generic_name (identifier) @name)]) @reference.type
(type_argument_list [(identifier) @name (generic_name (identifier) @name)]) @reference.type

(using_directive [(identifier) (qualified_name)] @import.path) @import

; Receiver types (src/types.rs): declared types of parameters, locals and
; fields; `var x = new T()`.
(parameter type: (_) @binding.type name: (identifier) @binding.name) @binding
(variable_declaration type: (identifier) @binding.type (variable_declarator name: (identifier) @binding.name)) @binding
(variable_declaration (variable_declarator name: (identifier) @binding.name (object_creation_expression type: (_) @binding.class))) @binding
