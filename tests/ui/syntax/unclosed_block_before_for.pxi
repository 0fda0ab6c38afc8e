# A declaration in the middle of a file is never closed: the parser stumbles on the
# `for` after it (`for i` reads as a block named `i`), and the error says which block
# is open and where, not "expected `{` after `i`".
vm proxy {
  cores  = 2
  memory = 2GiB

for i in 1..=2 {
  vm "web-${i}" {
    cores = 2
  }
}

vm db {
  cores = 4
}
