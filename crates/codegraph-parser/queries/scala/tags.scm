; Scala extraction rules. Capture vocabulary: see src/spec.rs (Role).

(package_clause name: (package_identifier) @name) @package

(class_definition name: (identifier) @name) @definition.class
(object_definition name: (identifier) @name) @definition.class
(trait_definition name: (identifier) @name) @definition.trait
(enum_definition name: (identifier) @name) @definition.enum
; Operators are methods too (`def ==(x: Byte): Boolean`, `def ::(x: A)`).
(function_definition name: [(identifier) (operator_identifier)] @name) @definition.function
(function_declaration name: [(identifier) (operator_identifier)] @name) @definition.function
(type_definition name: (type_identifier) @name) @definition.type
(template_body (val_definition pattern: (identifier) @name) @definition.field)
(compilation_unit (val_definition pattern: (identifier) @name) @definition.variable)

; `extends Base with Payable`: the first type is the superclass.
(extends_clause . type: [(type_identifier) @name (generic_type type: (type_identifier) @name)]) @reference.inherit
(extends_clause type: [(type_identifier) @name (generic_type type: (type_identifier) @name)]) @reference.implement

(call_expression function: (field_expression value: (_) @receiver field: (identifier) @name)) @reference.call
(call_expression function: (identifier) @name) @reference.call
(instance_expression [(type_identifier) @name (generic_type type: (type_identifier) @name)]) @reference.call

(type_identifier) @name @reference.type

(import_declaration) @import.path @import

; Receiver types (src/types.rs): declared parameter and value types, `new`.
(parameter name: (identifier) @binding.name type: (_) @binding.type) @binding
(class_parameter name: (identifier) @binding.name type: (_) @binding.type) @binding
(val_definition pattern: (identifier) @binding.name type: (_) @binding.type) @binding
(val_definition pattern: (identifier) @binding.name value: (instance_expression (type_identifier) @binding.class)) @binding
