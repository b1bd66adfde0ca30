; TypeScript and TSX extraction rules. Capture vocabulary: see src/spec.rs (Role).

(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(function_signature name: (identifier) @name) @definition.function
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(enum_body [(property_identifier) @name (enum_assignment name: (property_identifier) @name)] @definition.variant)
(internal_module name: [(identifier) (nested_identifier)] @name) @definition.namespace
(module name: [(identifier) (string)] @name) @definition.module
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(abstract_method_signature name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(method_signature name: [(property_identifier) (private_property_identifier)] @name) @definition.method
(public_field_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.field
(property_signature name: (property_identifier) @name) @definition.field

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(variable_declarator name: (identifier) @name value: (class)) @definition.class
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.variable))
(program (variable_declaration (variable_declarator name: (identifier) @name) @definition.variable))
(export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @definition.variable))

(assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]) @definition.function
; Functions stored in an object literal's properties (`{ parse: (x) => x }`).
(pair
  key: [(property_identifier) @name (string (string_fragment) @name)]
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(extends_clause value: [(identifier) @name (member_expression property: (property_identifier) @name)]) @reference.inherit
(extends_type_clause type: [(type_identifier) @name (generic_type name: (type_identifier) @name)]) @reference.inherit
(implements_clause [(type_identifier) @name (generic_type name: (type_identifier) @name)]) @reference.implement
; A type alias of one named type (`type Store = BaseStore<State>`) is that
; type: a `Store`'s members are `BaseStore`'s.
((type_alias_declaration
  name: (type_identifier) @_alias
  value: [(type_identifier) @name (generic_type name: (type_identifier) @name)]) @reference.inherit
  (#not-eq? @name @_alias))

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

(type_identifier) @name @reference.type

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
; `const q = this.build()`, `const c = createClient()`: what the callee
; declares it returns, looked up when resolving.
(variable_declarator
  name: (identifier) @binding.name
  value: (call_expression function: [(identifier) (member_expression)] @binding.class)) @binding
(assignment_expression
  left: (member_expression object: (this) property: [(property_identifier) (private_property_identifier)]) @binding.name
  right: (new_expression constructor: (_) @binding.class)) @binding
; Declared types of parameters, variables and fields; a constructor
; parameter property (`constructor(private repo: Repository)`) is a field.
(required_parameter pattern: (identifier) @binding.name type: (type_annotation) @binding.type) @binding
(optional_parameter pattern: (identifier) @binding.name type: (type_annotation) @binding.type) @binding
(required_parameter (accessibility_modifier) pattern: (identifier) @binding.name type: (type_annotation) @binding.type) @binding.member
(variable_declarator name: (identifier) @binding.name type: (type_annotation) @binding.type) @binding
(public_field_definition name: [(property_identifier) (private_property_identifier)] @binding.name type: (type_annotation) @binding.type) @binding
(public_field_definition name: [(property_identifier) (private_property_identifier)] @binding.name value: (new_expression constructor: (_) @binding.class)) @binding
; A callback's untyped parameters are typed by the callee's signature,
; read when resolving: `operate((source, subscriber) => source.subscribe())`.
(call_expression
  function: (identifier) @binding.callee
  arguments: (arguments [(arrow_function) (function_expression)] @binding.callback))
(new_expression
  constructor: (identifier) @binding.callee
  arguments: (arguments [(arrow_function) (function_expression)] @binding.callback))

; TypeScript only; the patterns JavaScript shares follow, from
; queries/ecmascript/shared.scm.
(as_expression (identifier) @reference.value)
(required_parameter pattern: (identifier) @local)
(optional_parameter pattern: (identifier) @local)
