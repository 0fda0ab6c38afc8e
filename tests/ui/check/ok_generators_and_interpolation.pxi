# `for` generators over a range and over a list of names, nested loops, and
# `${…}` in names and strings. The template lives on the cluster's shared
# storage, so VMs on both hosts can be cloned from it.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  storage ceph-vm { type = rbd, pool = "vm", content = [images, rootdir] }
  storage nas { type = nfs, server = "10.0.0.5", export = "/tank/pve", path = "/mnt/pve/nas", content = [iso, import, vztmpl] }
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
}

host pve2 {
  address = 10.0.0.3
  bridge vmbr0 { network = lan }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = ceph-vm
}

for h in [pve1, pve2] {
  for i in 1..=2 {
    vm "worker-${h}-${i}" {
      host        = h
      template    = ubuntu-2404
      description = "worker ${i} on ${h}"
      network lan { ip = auto }
    }
  }
}

for i in 0..3 {
  vm "batch-${i}" {
    host     = pve1
    template = ubuntu-2404
    network lan { ip = auto }
    tags     = ["batch", "batch-${i}"]
  }
}
