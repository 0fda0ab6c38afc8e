# Options a disk's bus does not have (PXI0502), qcow2 on block storage (PXI0503),
# and a disk on storage that holds no VM disks or is not on the host.
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
  disk a { size = 10GiB, interface = "virtio1", ssd = true }
  disk b { size = 10GiB, interface = "sata1", iothread = true }
  disk c { size = 10GiB, interface = "scsi1", format = qcow2 }
  disk d { size = 10GiB, interface = "scsi2", storage = backups }
  disk e { size = 10GiB, interface = "scsi3", storage = tank }
  disk f { size = 0GiB, interface = "scsi4" }
  disk g { size = 10GiB, interface = "scsi5", storage = local, format = qcow2 }
  disk h { size = 10GiB, interface = "virtio2", ssd = false, iothread = true }
}
