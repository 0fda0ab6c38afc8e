# A template from an installer ISO is built by Packer: VMs clone it by its VMID.
# A template from a cloud image with a `build` block is Packer's too. A linked clone
# names no target storage; ballooning sets the floor; a VM without the guest agent is
# stopped, not shut down, on destroy.
use std.os

cluster lab {
  endpoint = "https://pve.example.org:8006/"
  insecure = true
  domain   = "lab.example.org"
  timezone = "Europe/Berlin"
  vmids    = 200 .. 299
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1, 10.0.0.2]
  pool    = 10.0.0.100 .. 10.0.0.199
}

network storage-net {
  cidr = 10.9.0.0/24
  vlan = 90
  mtu  = 9000
  pool = 10.9.0.10 .. 10.9.0.20
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  bridge vmbr1 { ports = ["eno2"], network = storage-net, vlan_aware = true }
  storage tank  { type = zfspool, pool = "tank", content = [images, rootdir] }
  storage local { type = dir, path = "/var/lib/vz", content = [iso, import, snippets] }
}

template debian-iso {
  host    = pve1
  vmid    = 9100
  image   = os.debian_12_iso
  storage = tank
}

template ubuntu-hardened {
  host    = pve1
  vmid    = 9101
  image   = os.ubuntu_2404
  storage = tank
  build { packages = ["auditd"] }
}

vm linked {
  host       = pve1
  template   = ubuntu-hardened
  full_clone = false
  cores      = 4
  sockets    = 2
  memory     = 8GiB
  balloon    = 2GiB
  agent      = false
  on_boot    = false
  network lan { ip = auto }
  network storage-net { ip = auto, firewall = true }
  tags       = ["b", "a"]
}

vm from-iso {
  host     = pve1
  template = debian-iso
  disk     = 40GiB
  network lan { ip = 10.0.0.30 }
  user ops { ssh_keys = ["ssh-ed25519 AAAA ops@example"], sudo = true }
  user second { ssh_keys = ["ssh-ed25519 BBBB second@example"] }
}
