for i in 1..=3 {
  vm "worker-${i" { cores = 1 }
}
