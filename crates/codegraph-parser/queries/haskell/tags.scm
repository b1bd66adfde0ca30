; Haskell extraction rules. Capture vocabulary: see src/spec.rs (Role).

(header module: (module) @name) @package

(data_type name: (name) @name) @definition.struct
(newtype name: (name) @name) @definition.struct
(type_synonym name: (name) @name) @definition.type
(class name: (name) @name) @definition.trait
(data_constructor constructor: [(record name: (constructor) @name) (prefix name: (constructor) @name)]) @definition.variant
; A record field is its own selector function (`optColumns opts`); each
; name of `a, b :: Int` is one.
(field name: (field_name (variable) @name) @definition.field)
(class_declarations declaration: (signature name: (variable) @name) @definition.method)
; A top-level function: its equations (and its type signature) are one
; definition, named at the first equation.
(declarations (function name: (variable) @name) @definition.function)
(declarations (bind name: (variable) @name) @definition.function)

(instance name: (name) @name) @reference.implement

(apply function: (variable) @name) @reference.call
(apply function: (qualified module: (module) @receiver id: (variable) @name)) @reference.call
(signature type: (_ (name) @name)) @reference.type

(import module: (module) @import.path alias: (module)? @import.alias) @import
