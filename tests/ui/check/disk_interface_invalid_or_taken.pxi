# Data disks on slots Proxmox does not have or a data disk may not take (PXI0500),
# and on a slot already taken (PXI0501).
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
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl, images] }
  storage backups   { type = dir, path = "/mnt/backups", content = [backup] }
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm db-01 {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto }
  disk a { size = 10GiB, interface = "scsi31" }
  disk b { size = 10GiB, interface = "nvme0" }
  disk c { size = 10GiB, interface = "ide1" }
  disk d { size = 10GiB, interface = "sata01" }
  disk e { size = 10GiB, interface = "scsi0" }
  disk f { size = 10GiB, interface = "virtio3" }
  disk g { size = 10GiB, interface = "virtio3" }
}
