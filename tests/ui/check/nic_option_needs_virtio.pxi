# `queues`, an MTU of the NIC's own or one of its network's on a VM's NIC that is not
# virtio (PXI0547, warnings): Proxmox ignores them there. virtio, written or not, is
# fine.

use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

network wan {
  cidr = 192.168.1.0/24
}

network san {
  cidr = 10.9.0.0/24
  mtu  = 9000
  pool = 10.9.0.10 .. 10.9.0.99
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  bridge vmbr1 { network = wan, ports = ["eno2"] }
  bridge vmbr2 { network = san, ports = ["eno3"] }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm legacy {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, model = e1000, queues = 2, mtu = 1400 }
  network san { ip = auto, model = vmxnet3 }
}

vm modern {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto, model = virtio, queues = 2, mtu = 1400 }
  network san { ip = auto }
}
