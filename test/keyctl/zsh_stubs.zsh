# Stand-ins for the zsh completion system's builtins and functions, for
# completion_check.py: each prints the candidates it is given, one a line,
# so that the keyctl completion function can run outside an interactive
# shell.  usage: zsh -f zsh_stubs.zsh COMPLETION_FILE COMMAND_LINE...
compadd() {
  local skip= from_array= x
  local -a out
  for x in "$@"; do
    if [[ -n $skip ]]; then skip=; continue; fi
    case $x in
      (-S|-P|-X|-J|-V) skip=1 ;;
      (-a) from_array=1 ;;
      (--) ;;
      (*) if [[ -n $from_array ]]; then out+=("${(@P)x}"); else out+=("$x"); fi ;;
    esac
  done
  print -rl -- "${out[@]}"
}
_describe() {
  [[ $1 == -t ]] && shift 2
  local -a specs
  specs=("${(@P)2}")
  print -rl -- "${specs[@]%%:*}"
}
_wanted() { shift 3; "$@" }
_alternative() { print -r -- "alternatives: $*" }
_files() { print -r -- "(files)" }
_normal() { print -r -- "(command line of $words[1], word $CURRENT)" }
compset() {
  [[ $1 == -P ]] || return 1
  [[ $PREFIX == ${~2}* ]] || return 1
  PREFIX=${PREFIX##${~2}}
}

# As compinit autoloads it: the file is the body of _keyctl.
functions[_keyctl]=$(<$1)
shift
for line in "$@"; do
  words=(${(z)line})
  [[ $line == *' ' ]] && words+=('')
  CURRENT=$#words
  PREFIX=$words[-1]
  print -r -- "== $line"
  _keyctl
done
