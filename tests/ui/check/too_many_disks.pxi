# A VM with 31 data disks: the provider takes 31 disk blocks, the root disk's
# among them (PXI0507).
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

vm files-01 {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto }
  disk s1 { size = 1GiB, interface = "scsi1" }
  disk s2 { size = 1GiB, interface = "scsi2" }
  disk s3 { size = 1GiB, interface = "scsi3" }
  disk s4 { size = 1GiB, interface = "scsi4" }
  disk s5 { size = 1GiB, interface = "scsi5" }
  disk s6 { size = 1GiB, interface = "scsi6" }
  disk s7 { size = 1GiB, interface = "scsi7" }
  disk s8 { size = 1GiB, interface = "scsi8" }
  disk s9 { size = 1GiB, interface = "scsi9" }
  disk s10 { size = 1GiB, interface = "scsi10" }
  disk s11 { size = 1GiB, interface = "scsi11" }
  disk s12 { size = 1GiB, interface = "scsi12" }
  disk s13 { size = 1GiB, interface = "scsi13" }
  disk s14 { size = 1GiB, interface = "scsi14" }
  disk s15 { size = 1GiB, interface = "scsi15" }
  disk s16 { size = 1GiB, interface = "scsi16" }
  disk s17 { size = 1GiB, interface = "scsi17" }
  disk s18 { size = 1GiB, interface = "scsi18" }
  disk s19 { size = 1GiB, interface = "scsi19" }
  disk s20 { size = 1GiB, interface = "scsi20" }
  disk s21 { size = 1GiB, interface = "scsi21" }
  disk s22 { size = 1GiB, interface = "scsi22" }
  disk s23 { size = 1GiB, interface = "scsi23" }
  disk s24 { size = 1GiB, interface = "scsi24" }
  disk s25 { size = 1GiB, interface = "scsi25" }
  disk s26 { size = 1GiB, interface = "scsi26" }
  disk s27 { size = 1GiB, interface = "scsi27" }
  disk s28 { size = 1GiB, interface = "scsi28" }
  disk s29 { size = 1GiB, interface = "scsi29" }
  disk s30 { size = 1GiB, interface = "scsi30" }
  disk v0 { size = 1GiB, interface = "virtio0" }
}
