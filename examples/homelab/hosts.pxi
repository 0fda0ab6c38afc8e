# The Proxmox host and the template its VMs are cloned from.

host pve1 {
  address = 10.10.0.2
  cores   = 16
  memory  = 64GiB

  # A VLAN-aware trunk: lan untagged, iot on VLAN 20. A guest's NIC on iot is
  # tagged 20 here; the router's LAN port, untagged, carries both.
  bridge vmbr0 { ports = ["eno1"], network = lan, networks = [iot], vlan_aware = true }
  bridge vmbr1 { ports = ["eno2"], network = wan }   # to the ISP's box

  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, snippets, vztmpl] }

  packages = ["htop", "ifupdown2"]
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404              # a cloud image: Terraform downloads it
  storage = local-lvm
}

# The same image with Docker baked in: Packer clones a VM made from the image,
# applies the role, and turns the clone into this template.
template ubuntu-2404-docker {
  host    = pve1
  vmid    = 9001
  image   = os.ubuntu_2404
  storage = local-lvm
  build { roles = [roles.docker] }
}

pool prod {
  comment = "Production services"
}
