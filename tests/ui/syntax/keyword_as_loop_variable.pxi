for in in 1..=3 {
  vm "node-${in}" { cores = 1 }
}
