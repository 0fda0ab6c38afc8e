# Two nodes make a template each from the same cloud image, downloaded into the NFS
# storage both share: Proxmox downloads it once (from the first node by name), and
# both templates import it. A VM on each node clones its own node's template.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
  storage nas {
    type    = nfs
    server  = "10.0.0.5"
    export  = "/export/pve"
    content = [images, import]
  }
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve2 {
  address = 10.0.0.3
  bridge vmbr0 { ports = ["eno1"], network = lan }
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
}

template debian-pve2 {
  host          = pve2
  vmid          = 9002
  image         = os.debian_12
  storage       = nas
  image_storage = nas
}

template debian-pve1 {
  host          = pve1
  vmid          = 9001
  image         = os.debian_12
  storage       = nas
  image_storage = nas
}

vm app-1 {
  host     = pve1
  template = debian-pve1
  network lan { ip = auto }
}

vm app-2 {
  host     = pve2
  template = debian-pve2
  network lan { ip = auto }
}
