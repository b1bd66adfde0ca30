; Java extraction rules. Capture vocabulary: see src/spec.rs (Role).

(package_declaration [(identifier) (scoped_identifier)] @name) @package

(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(enum_constant name: (identifier) @name) @definition.variant
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(field_declaration declarator: (variable_declarator name: (identifier) @name) @definition.field)
(constant_declaration declarator: (variable_declarator name: (identifier) @name) @definition.constant)

(superclass [(type_identifier) @name (generic_type (type_identifier) @name) (scoped_type_identifier (type_identifier) @name .)]) @reference.inherit
(super_interfaces (type_list [(type_identifier) @name (generic_type (type_identifier) @name)])) @reference.implement
(extends_interfaces (type_list [(type_identifier) @name (generic_type (type_identifier) @name)])) @reference.inherit

(method_invocation object: (_)? @receiver name: (identifier) @name) @reference.call
(object_creation_expression type: [(type_identifier) @name (generic_type (type_identifier) @name)]) @reference.call

(type_identifier) @name @reference.type

(import_declaration [(identifier) (scoped_identifier)] @import.path) @import

; Receiver types (src/types.rs): declared types of parameters, locals and
; fields; `var x = new T()`.
(formal_parameter type: (_) @binding.type name: (identifier) @binding.name) @binding
(local_variable_declaration type: (_) @binding.type declarator: (variable_declarator name: (identifier) @binding.name)) @binding
(local_variable_declaration
  declarator: (variable_declarator name: (identifier) @binding.name value: (object_creation_expression type: (_) @binding.class))) @binding
(field_declaration type: (_) @binding.type declarator: (variable_declarator name: (identifier) @binding.name)) @binding
