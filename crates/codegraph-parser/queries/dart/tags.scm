; Dart extraction rules. Capture vocabulary: see src/spec.rs (Role).

(class_declaration name: (identifier) @name) @definition.class
(mixin_declaration name: (identifier) @name) @definition.trait
(enum_declaration name: (identifier) @name) @definition.enum
(enum_entry name: (identifier) @name) @definition.variant
; `extension OrderX on Order { .. }` adds members to Order.
(extension_declaration name: (identifier) @name) @definition.class
(type_alias (type_identifier) @name) @definition.type
(function_declaration signature: (function_signature name: (identifier) @name)) @definition.function
; A function declared inside another's body (`int helper(int x) { .. }` in `main`).
(local_function_declaration (function_signature name: (identifier) @name)) @definition.function
(method_declaration signature: (method_signature [
  (function_signature name: (identifier) @name)
  (getter_signature name: (identifier) @name)
  (setter_signature name: (identifier) @name)
])) @definition.method
(class_body (member_declaration (declaration (function_signature name: (identifier) @name))) @definition.method)
(class_body (member_declaration (declaration (constructor_signature name: (identifier) @name))) @definition.constructor)
(class_body (member_declaration (declaration (initialized_identifier_list (initialized_identifier name: (identifier) @name)))) @definition.field)

(superclass type: (type (type_identifier) @name)) @reference.inherit
(mixins (type (type_identifier) @name)) @reference.implement
(interfaces (type (type_identifier) @name)) @reference.implement

(call_expression function: (member_expression object: (_) @receiver property: (identifier) @name)) @reference.call
(call_expression function: (identifier) @name) @reference.call
(type (type_identifier) @name) @reference.type

; `import 'package:shop/util.dart';`, `import 'src/models.dart' as models;`
(library_import (import_specification uri: (configurable_uri (uri (string_literal) @import.path)) alias: (identifier)? @import.alias)) @import

; Receiver types (src/types.rs): declared parameter types.
(formal_parameter (type) @binding.type name: (identifier) @binding.name) @binding
