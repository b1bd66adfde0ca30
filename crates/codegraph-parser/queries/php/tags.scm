; PHP extraction rules. Capture vocabulary: see src/spec.rs (Role).

(namespace_definition name: (namespace_name) @name !body) @package
; The declaration itself is a node too (what `find` locates).
(namespace_definition name: (namespace_name) @name !body) @definition.namespace
(namespace_definition name: (namespace_name) @name body: (_)) @definition.namespace
(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(enum_case name: (name) @name) @definition.variant
(function_definition name: (name) @name) @definition.function
(method_declaration name: (name) @name) @definition.method
(const_declaration (const_element (name) @name) @definition.constant)
(property_declaration (property_element (variable_name (name) @name)) @definition.field)

(base_clause [(name) @name (qualified_name (name) @name)]) @reference.inherit
(class_interface_clause [(name) @name (qualified_name (name) @name)]) @reference.implement
(use_declaration [(name) @name (qualified_name (name) @name)]) @reference.implement

(function_call_expression function: [(name) @name (qualified_name (name) @name)]) @reference.call
(member_call_expression object: (_) @receiver name: (name) @name) @reference.call
(nullsafe_member_call_expression object: (_) @receiver name: (name) @name) @reference.call
(scoped_call_expression scope: (_) @receiver name: (name) @name) @reference.call
(object_creation_expression [(name) @name (qualified_name (name) @name)]) @reference.call

(named_type [(name) @name (qualified_name (name) @name)]) @reference.type

; `use App\Models\User;`, `use App\Contracts\{Jsonable, Arrayable as A};`
(namespace_use_declaration (namespace_use_clause . [(name) (qualified_name)] @import.path alias: (name)? @import.alias)) @import
(namespace_use_declaration (namespace_name) @import.path body: (namespace_use_group (namespace_use_clause . (name) @import.name alias: (name)? @import.alias))) @import
; `require __DIR__ . '/helpers.php'`, `include 'config.php'`.
([(require_expression) (require_once_expression) (include_expression) (include_once_expression)]
  [(string (string_content) @import.relative) (binary_expression right: (string (string_content) @import.relative))]) @import

; Receiver types (src/types.rs): typed parameters and properties, `new`.
(simple_parameter type: (_) @binding.type name: (variable_name) @binding.name) @binding
(assignment_expression left: (variable_name) @binding.name right: (object_creation_expression [(name) (qualified_name)] @binding.class)) @binding
