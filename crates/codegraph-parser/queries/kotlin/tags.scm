; Kotlin extraction rules. Capture vocabulary: see src/spec.rs (Role).

(package_header (qualified_identifier) @name) @package

(class_declaration "interface" name: (identifier) @name) @definition.interface
(class_declaration (modifiers (class_modifier "enum")) name: (identifier) @name) @definition.enum
(class_declaration name: (identifier) @name) @definition.class
(object_declaration name: (identifier) @name) @definition.class
(enum_entry (identifier) @name) @definition.variant
(function_declaration name: (identifier) @name) @definition.function
(type_alias type: (identifier) @name) @definition.type
(class_body (property_declaration (variable_declaration (identifier) @name)) @definition.field)
(source_file (property_declaration (variable_declaration (identifier) @name)) @definition.variable)

; `: Base(), Payable`: a constructor call names the superclass, a bare
; type an interface.
(delegation_specifier (constructor_invocation (user_type (identifier) @name .))) @reference.inherit
(delegation_specifier (user_type (identifier) @name .)) @reference.implement

(call_expression (navigation_expression . (_) @receiver (identifier) @name .)) @reference.call
(call_expression . (identifier) @name) @reference.call

(user_type (identifier) @name .) @reference.type

(import (qualified_identifier) @import.path) @import

; Receiver types (src/types.rs): declared parameter and property types,
; values constructed on assignment (`val c = Client()`).
(parameter (identifier) @binding.name (user_type) @binding.type) @binding
(class_parameter (identifier) @binding.name (user_type) @binding.type) @binding
(property_declaration (variable_declaration (identifier) @binding.name (user_type) @binding.type)) @binding
(property_declaration (variable_declaration (identifier) @binding.name) (call_expression . (identifier) @binding.class)) @binding
