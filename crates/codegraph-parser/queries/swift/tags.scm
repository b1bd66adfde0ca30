; Swift extraction rules. Capture vocabulary: see src/spec.rs (Role).

(class_declaration declaration_kind: "struct" name: (type_identifier) @name) @definition.struct
(class_declaration declaration_kind: "enum" name: (type_identifier) @name) @definition.enum
(class_declaration declaration_kind: "actor" name: (type_identifier) @name) @definition.class
(class_declaration declaration_kind: "class" name: (type_identifier) @name) @definition.class
; `extension Order { .. }` adds members to Order: a scope, not a type.
(class_declaration declaration_kind: "extension" name: (user_type (type_identifier) @name)) @scope
(protocol_declaration name: (type_identifier) @name) @definition.interface
(protocol_function_declaration) @definition.method
(enum_entry name: (simple_identifier) @name) @definition.variant
; Named by the node's `name` field (a pattern reaching into this node
; costs a third of a second to compile: see examples/query_cost.rs).
(function_declaration) @definition.function
(init_declaration "init" @name) @definition.constructor
(typealias_declaration name: (type_identifier) @name) @definition.type
(class_body (property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.field)

(inheritance_specifier inherits_from: (user_type (type_identifier) @name .)) @reference.inherit

(call_expression (navigation_expression target: (_) @receiver suffix: (navigation_suffix suffix: (simple_identifier) @name))) @reference.call
(call_expression . (simple_identifier) @name) @reference.call

(user_type (type_identifier) @name .) @reference.type

(import_declaration (identifier) @import.path) @import

