# PCI and USB passthrough through the cluster's resource mappings: each host
# declares its device, and a VM takes the mapping, which Terraform makes first. A
# cluster without an API token (root@pam from the provider's environment) may also
# pass a device through by its address.
use std.os
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
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
  pci gpu { path = "0000:01:00.0", id = "10de:2204", subsystem_id = "1458:403b", iommu_group = 12 }
  usb zigbee { id = "1a86:55d4" }
}
host pve2 {
  address = 10.0.0.3
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  pci gpu { path = "0000:02:00.0", id = "10de:2204" }
}
template q35 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
  machine = "q35"
}
vm media {
  host     = pve1
  template = q35
  network lan { ip = auto }
  pci gpu { pcie = true, primary_gpu = false }
  usb zigbee { usb3 = true }
}

vm raw {
  host     = pve1
  template = q35
  started  = false
  network lan { ip = auto }
  pci card { path = "0000:03:00.0", rombar = false }
}
