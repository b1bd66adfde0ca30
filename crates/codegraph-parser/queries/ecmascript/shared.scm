; What JavaScript and TypeScript queries share, appended to each language's
; tags.scm (src/spec.rs `query_source`): both grammars have these nodes.

; `export { a } from './y'`, `export { a as b } from './y'`: a re-export
; names the member it passes on.
(export_statement
  (export_clause (export_specifier name: (identifier) @import.name !alias))
  source: (string (string_fragment) @import.path)) @import
(export_statement
  (export_clause (export_specifier name: (identifier) @import.name alias: (identifier) @import.alias))
  source: (string (string_fragment) @import.path)) @import

; A bare name used as a value, not called: a function passed, stored,
; exported or returned (`arr.map(identity)`, `{ noop }`, `export const
; exhaust = exhaustAll`), a class tested or reached through (`x instanceof
; Subscriber`, `Observable.create`).
(arguments (identifier) @reference.value)
(variable_declarator value: (identifier) @reference.value)
(assignment_expression right: (identifier) @reference.value)
(return_statement (identifier) @reference.value)
(pair value: (identifier) @reference.value)
(shorthand_property_identifier) @reference.value
(array (identifier) @reference.value)
(binary_expression operator: "instanceof" right: (identifier) @reference.value)
(export_statement (export_clause (export_specifier name: (identifier) @reference.value)) !source)
(export_statement value: (identifier) @reference.value)
((member_expression object: (identifier) @reference.value)
  (#match? @reference.value "^[A-Z]"))

; A function's parameters are its own names: a bare use of one inside it
; is that parameter, not a definition elsewhere.
(arrow_function parameter: (identifier) @local)
(shorthand_property_identifier_pattern) @local
(pair_pattern value: (identifier) @local)
(array_pattern (identifier) @local)
; A local holding a value (not a function, which is a definition itself).
(variable_declarator
  name: (identifier) @local
  value: [(call_expression) (new_expression) (member_expression) (identifier)
          (await_expression) (binary_expression) (ternary_expression) (string)
          (number) (object) (array) (template_string) (subscript_expression)])
