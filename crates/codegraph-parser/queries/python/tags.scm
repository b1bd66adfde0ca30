; Python extraction rules. Capture vocabulary: see src/spec.rs (Role).

(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function

(module (expression_statement (assignment left: (identifier) @name) @definition.variable))
(class_definition
  body: (block (expression_statement (assignment left: (identifier) @name) @definition.field)))

(class_definition
  superclasses: (argument_list [
    (identifier) @name
    (attribute attribute: (identifier) @name)
  ])) @reference.inherit

(call function: (identifier) @name) @reference.call
(call function: (attribute object: (_) @receiver attribute: (identifier) @name)) @reference.call
; Any other member access (`self.size`, `style.color`): a field or a
; property, when the receiver's type is known (the extractor drops the rest).
(attribute object: (_) @receiver attribute: (identifier) @name) @reference.read

; Every class a type annotation names, at any depth, forward references
; written as strings (`t.Optional["Context"]`) included.
(type) @reference.type_tree

; A bare name used as a value, not called: a function passed, stored or
; returned (`key=sort_key`, `{"stdin": get_text_stdin}`), a class caught,
; raised, compared or reached through (`except UsageError`,
; `ParameterSource.DEFAULT`).
(argument_list (identifier) @reference.value)
(keyword_argument value: (identifier) @reference.value)
(default_parameter value: (identifier) @reference.value)
(pair value: (identifier) @reference.value)
(list (identifier) @reference.value)
(tuple (identifier) @reference.value)
(set (identifier) @reference.value)
(return_statement (identifier) @reference.value)
(assignment right: (identifier) @reference.value)
(raise_statement (identifier) @reference.value)
(decorator (identifier) @reference.value)
(except_clause value: (identifier) @reference.value)
(except_clause value: (as_pattern (identifier) @reference.value))
((attribute object: (identifier) @reference.value)
  (#match? @reference.value "^[A-Z]"))

; Names a function binds itself (parameters, assignments, loop and `with`
; targets): a bare use inside it is that local, not a definition elsewhere.
(parameters [
  (identifier) @local
  (default_parameter name: (identifier) @local)
  (typed_parameter (identifier) @local)
  (typed_default_parameter name: (identifier) @local)
])
(assignment left: (identifier) @local)
(assignment left: (pattern_list (identifier) @local))
(for_statement left: (identifier) @local)
(for_statement left: (pattern_list (identifier) @local))
(as_pattern_target (identifier) @local)
(for_in_clause left: (identifier) @local)
(for_in_clause left: (pattern_list (identifier) @local))
(lambda_parameters (identifier) @local)
(named_expression name: (identifier) @local)

(import_statement name: (dotted_name) @import.path) @import
(import_statement name: (aliased_import name: (dotted_name) @import.path alias: (identifier) @import.alias)) @import
(import_from_statement
  module_name: (_) @import.path
  name: [
    (dotted_name) @import.name
    (aliased_import name: (dotted_name) @import.name alias: (identifier) @import.alias)
  ]) @import
; `from m import *` binds every name of m: the local name `*` says so.
(import_from_statement module_name: (_) @import.path (wildcard_import) @import.alias) @import

; Receiver types (src/types.rs): typed parameters and assignments, values
; constructed on assignment (`x = Client()`, `self.x = Client()`), results
; of functions with a declared return type (`ctx = self.make_context()`: a
; call of something not named like a class), names given another name's
; value (`self.store = store`).
(typed_parameter (identifier) @binding.name type: (type) @binding.type) @binding
(typed_default_parameter name: (identifier) @binding.name type: (type) @binding.type) @binding
(assignment left: [(identifier) (attribute)] @binding.name type: (type) @binding.type) @binding
(assignment
  left: [(identifier) (attribute)] @binding.name
  right: (call function: [(identifier) (attribute attribute: (identifier))] @binding.class)) @binding
(assignment left: (attribute) @binding.name right: (identifier) @binding.value) @binding
