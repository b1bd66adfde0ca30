; JavaScript extraction rules. Capture vocabulary: see src/spec.rs (Role).

(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (identifier) @name) @definition.class
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(field_definition property: [(property_identifier) (private_property_identifier)] @name) @definition.field

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(variable_declarator name: (identifier) @name value: (class)) @definition.class
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.variable))
(program (variable_declaration (variable_declarator name: (identifier) @name) @definition.variable))
(export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @definition.variable))

; `exports.parse = function () {}` and `Foo.prototype.bar = () => {}`
(assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]) @definition.function

; `module.exports = { parse: function () {}, format: (x) => x }`: functions
; stored in an object literal's properties.
(pair
  key: [(property_identifier) @name (string (string_fragment) @name)]
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(class_heritage [(identifier) @name (member_expression property: (property_identifier) @name)]) @reference.inherit

(call_expression function: (identifier) @name) @reference.call
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: [(property_identifier) (private_property_identifier)] @name)) @reference.call
(new_expression constructor: [(identifier) @name (member_expression property: (property_identifier) @name)]) @reference.call
; Any other member access (`this.size`, `style.color`): a field or a
; getter, when the receiver's type is known (the extractor drops the rest).
(member_expression
  object: (_) @receiver
  property: [(property_identifier) (private_property_identifier)] @name) @reference.read

(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @import.name !alias)))
  source: (string (string_fragment) @import.path)) @import
; `import { a as b }`: the member a, bound locally as b.
(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @import.name alias: (identifier) @import.alias)))
  source: (string (string_fragment) @import.path)) @import
; `import * as ns from 'm'` binds the module to ns.
(import_statement
  (import_clause (namespace_import (identifier) @import.alias))
  source: (string (string_fragment) @import.path)) @import
(import_statement (import_clause (identifier) @import.alias) source: (string (string_fragment) @import.path)) @import
; A statement without named imports (`import './x'`, `import * as x`)
; imports the module itself; the adapter drops this match when names exist.
(import_statement source: (string (string_fragment) @import.path)) @import
(export_statement source: (string (string_fragment) @import.path)) @import
(call_expression
  function: (identifier) @_require
  arguments: (arguments . (string (string_fragment) @import.path))
  (#eq? @_require "require")) @import

; Receiver types (src/types.rs): values constructed on assignment.
(variable_declarator name: (identifier) @binding.name value: (new_expression constructor: (_) @binding.class)) @binding
(assignment_expression
  left: (member_expression object: (this) property: [(property_identifier) (private_property_identifier)]) @binding.name
  right: (new_expression constructor: (_) @binding.class)) @binding
(field_definition property: [(property_identifier) (private_property_identifier)] @binding.name value: (new_expression constructor: (_) @binding.class)) @binding

; JavaScript's parameters are bare identifiers (TypeScript's are wrapped);
; the patterns both grammars share follow, from queries/ecmascript/shared.scm.
(formal_parameters (identifier) @local)
