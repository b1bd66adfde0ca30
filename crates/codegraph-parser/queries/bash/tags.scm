; Bash extraction rules. Capture vocabulary: see src/spec.rs (Role).

(function_definition name: (word) @name) @definition.function
(program (variable_assignment name: (variable_name) @name) @definition.variable)

; `source lib/common.sh`, `. "$DIR/helpers.sh"`: a file beside this one.
((command name: (command_name (word) @_source) argument: [(word) (string) (raw_string) (concatenation)] @import.relative) @import
  (#match? @_source "^(source|\\.)$"))

((command name: (command_name (word) @name)) @reference.call
  (#not-match? @name "^(source|\\.|echo|printf|cd|exit|return|export|local|set|unset|shift|test|read|eval|exec|trap|true|false)$"))
