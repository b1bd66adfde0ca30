; Lua extraction rules. Capture vocabulary: see src/spec.rs (Role).

(function_declaration name: (identifier) @name) @definition.function
; `function M.parse(x)`: a function stored in the module's table.
(function_declaration name: (dot_index_expression field: (identifier) @name)) @definition.function
; `function M:method(y)`: called with `self`.
(function_declaration name: (method_index_expression method: (identifier) @name)) @definition.method
; `local f = function() .. end`, `M.f = function() .. end`
(assignment_statement
  (variable_list name: [(identifier) @name (dot_index_expression field: (identifier) @name)])
  (expression_list value: (function_definition))) @definition.function

; `{ __call = function(..) .. end }`, `M = { parse = function(..) .. end }`
(field name: (identifier) @name value: (function_definition)) @definition.function

; `local util = require("shop.util")`: the module under a local name.
((assignment_statement
  (variable_list name: (identifier) @import.alias)
  (expression_list value: (function_call
    name: (identifier) @_require
    arguments: (arguments (string content: (string_content) @import.path))))) @import
  (#eq? @_require "require"))
; A bare `require("x")` statement.
([(chunk) (block)] (function_call
  name: (identifier) @_require
  arguments: (arguments (string content: (string_content) @import.path))) @import
  (#eq? @_require "require"))

(function_call name: (dot_index_expression table: (_) @receiver field: (identifier) @name)) @reference.call
(function_call name: (method_index_expression table: (_) @receiver method: (identifier) @name)) @reference.call
((function_call name: (identifier) @name) @reference.call
  (#not-match? @name "^(require|print|pairs|ipairs|type|tostring|tonumber|error|assert|pcall|select|setmetatable|getmetatable|rawget|rawset|next|unpack)$"))

; Parameters and locals are the function's own names.
(parameters name: (identifier) @local)
(variable_declaration (assignment_statement (variable_list name: (identifier) @local)))
