for i in 1..=3 {
  vm "worker-${i}" { cores = 1 }
}

for n in 0..2 {
  for m in 1..=2 {
    vm "node-${n}-${m}" { cores = 2 }
  }
  network "net-${n}" { cidr = 10.20.0.0/24 }
}
