; Ruby extraction rules. Capture vocabulary: see src/spec.rs (Role).

(module name: [(constant) @name (scope_resolution name: (constant) @name)]) @definition.module
(class name: [(constant) @name (scope_resolution name: (constant) @name)]) @definition.class
; A method outside any class or module is a plain function.
(program (method name: (_) @name) @definition.function)
(method name: (_) @name) @definition.method
(singleton_method name: (_) @name) @definition.method
(assignment left: (constant) @name) @definition.constant

(class superclass: (superclass [(constant) @name (scope_resolution name: (constant) @name)])) @reference.inherit
; `include Comparable`, `extend Enumerable`: mixins.
((call method: (identifier) @_mixin arguments: (argument_list [(constant) @name (scope_resolution name: (constant) @name)])) @reference.implement
  (#match? @_mixin "^(include|extend|prepend)$"))

; `require_relative` names a file beside this one; `require` one on the
; load path.
((call method: (identifier) @_require arguments: (argument_list (string (string_content) @import.relative))) @import
  (#eq? @_require "require_relative"))
((call method: (identifier) @_require arguments: (argument_list (string (string_content) @import.path))) @import
  (#match? @_require "^(require|load|autoload)$"))

(call receiver: (_) @receiver method: (identifier) @name) @reference.call
((call !receiver method: (identifier) @name) @reference.call
  (#not-match? @name "^(require|require_relative|include|extend|prepend|attr_reader|attr_writer|attr_accessor|private|protected|public|raise|puts|p)$"))
; `Foo::Bar`, `Foo.new`: a constant names a class or module.
(scope_resolution scope: (_) @receiver name: (constant) @name) @reference.type
(constant) @name @reference.type
