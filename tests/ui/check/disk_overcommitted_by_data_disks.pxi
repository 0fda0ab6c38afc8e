# A VM's data disk and a container's mount point count towards their storage's
# declared size (PXI0324, a warning): 4GiB (template) + 20GiB + 70GiB + 4GiB + 4GiB
# on a 100GiB pool.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir], size = 100GiB }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
  disk    = 4GiB
}

vm db-01 {
  host     = pve1
  template = ubuntu-2404
  disk     = 20GiB
  network lan { ip = auto }
  disk data { size = 70GiB, interface = "scsi1" }
}

container files-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  disk     = 4GiB
  network lan { ip = auto }
  mount data { path = "/srv", size = 4GiB }
}
