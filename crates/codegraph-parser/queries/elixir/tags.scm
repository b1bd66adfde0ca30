; Elixir extraction rules. Capture vocabulary: see src/spec.rs (Role).
; Everything is a call in Elixir's grammar: definitions are calls of
; `defmodule`, `def`, `defp`... with the name in the arguments.

((call target: (identifier) @_kind (arguments (alias) @name)) @definition.module
  (#match? @_kind "^(defmodule|defprotocol)$"))
((call target: (identifier) @_kind (arguments [
    (call target: (identifier) @name)
    (identifier) @name
    (binary_operator left: (call target: (identifier) @name))
  ])) @definition.function
  (#match? @_kind "^(def|defp|defdelegate|defguard|defguardp)$"))
((call target: (identifier) @_kind (arguments [
    (call target: (identifier) @name)
    (identifier) @name
  ])) @definition.macro
  (#match? @_kind "^(defmacro|defmacrop)$"))
((call target: (identifier) @_kind (arguments (alias) @name)) @reference.implement
  (#eq? @_kind "defimpl"))

; `alias Shop.Repo`, `import Ecto.Query`, `use GenServer`.
((call target: (identifier) @_kind (arguments . (alias) @import.path)) @import
  (#match? @_kind "^(alias|import|require|use)$"))

(call target: (dot left: (_) @receiver right: (identifier) @name)) @reference.call
((call target: (identifier) @name) @reference.call
  (#not-match? @name "^(def|defp|defmodule|defprotocol|defimpl|defmacro|defmacrop|defdelegate|defguard|defguardp|defstruct|defexception|alias|import|require|use|if|unless|case|cond|with|for|fn|quote|unquote|raise|receive|try)$"))
(alias) @name @reference.type
; `@doc "..."`, `@moduledoc false`: module attributes, not calls.
(unary_operator operand: (call target: (identifier) @not_reference))
