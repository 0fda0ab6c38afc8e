# What Proxmox refuses of passthrough: a mapping no host declares, a mapping with no
# device on the VM's node, PCIe on an i440fx machine, one device given to two
# started VMs on a node, a device by address with an API token (root@pam only),
# device IDs and addresses in forms the provider refuses, and a mapping name
# Proxmox refuses. `spare` may share the GPU: it is not started.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import] }
  pci gpu { path = "0000:01:00.0", id = "10de:2204" }
  pci nic { path = "01:00.1", id = "8086:1521" }
  usb stick { id = "0781-5583", path = "1-4.2" }
}

host pve2 {
  address = 10.0.0.3
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import] }
  usb "x" { id = "1a86:55d4" }
}

template q35 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
  machine = "q35"
}

template q35-2 {
  host    = pve2
  image   = os.ubuntu_2404
  storage = local-lvm
  machine = "q35"
}

template plain {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm media {
  host     = pve1
  template = q35
  network lan { ip = auto }
  pci gpu { pcie = true }
  pci gpu0 {}
}

vm transcode {
  host     = pve1
  template = plain
  network lan { ip = auto }
  pci gpu { pcie = true }
}

vm spare {
  host     = pve1
  template = q35
  started  = false
  network lan { ip = auto }
  pci gpu {}
}

vm elsewhere {
  host     = pve2
  template = q35-2
  network lan { ip = auto }
  pci gpu {}
}

vm raw {
  host     = pve1
  template = q35
  network lan { ip = auto }
  pci hba { path = "0000:05:00.0" }
}
