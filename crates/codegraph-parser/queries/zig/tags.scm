; Zig extraction rules. Capture vocabulary: see src/spec.rs (Role).
; Types are values in Zig: `const Order = struct { .. };`.

(variable_declaration (identifier) @name (struct_declaration)) @definition.struct
(variable_declaration (identifier) @name (enum_declaration)) @definition.enum
(variable_declaration (identifier) @name (union_declaration)) @definition.union
(variable_declaration (identifier) @name (opaque_declaration)) @definition.struct
(function_declaration name: (identifier) @name) @definition.function
(test_declaration (string (string_content) @name)) @definition.function
(struct_declaration (container_field name: (identifier) @name) @definition.field)
(enum_declaration (container_field name: (identifier) @name) @definition.variant)

; `const util = @import("util.zig");`: the file beside this one, bound
; to a local name.
((variable_declaration (identifier) @import.alias
   (builtin_function (builtin_identifier) @_import (arguments (string (string_content) @import.relative)))) @import
  (#eq? @_import "@import"))

(call_expression function: (field_expression object: (_) @receiver member: (identifier) @name)) @reference.call
(call_expression function: (identifier) @name) @reference.call

; Receiver types (src/types.rs): declared parameter types.
(parameter name: (identifier) @binding.name type: [(identifier) (pointer_type (identifier))] @binding.type) @binding
