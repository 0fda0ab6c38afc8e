# Golden images. VMIDs 9000-9099 are reserved for templates.
#
# Templates on `ceph-vm` can be cloned on any node; `rocky-9` lives on pve3's
# local ZFS, so its clones must run on pve3.

# Cloud images, downloaded and turned into templates by Terraform.

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = ceph-vm
}

template debian-12 {
  host    = pve2
  vmid    = 9001
  image   = os.debian_12
  storage = ceph-vm
}

# The ERP vendor only supports RHEL-compatible systems; only pve3 runs it.
template rocky-9 {
  host    = pve3
  vmid    = 9002
  image   = os.rocky_9
  storage = local-zfs
  disk    = 30GiB
}

# UEFI firmware with the Secure Boot keys enrolled, a TPM 2.0 and the q35 machine:
# what Windows 11 and PCIe passthrough need. Its VMs boot the same firmware.
template ubuntu-2404-uefi {
  host        = pve1
  vmid        = 9003
  image       = os.ubuntu_2404
  storage     = ceph-vm
  bios        = ovmf
  machine     = "q35"
  secure_boot = true
  tpm         = true
}

# Built by Packer.

# Ubuntu installed from the ISO (autoinstall), with Docker baked in:
# the base of the CI runners and of the git server.
template ubuntu-2404-docker {
  host    = pve1
  vmid    = 9010
  image   = os.ubuntu_2404_iso
  storage = ceph-vm
  disk    = 40GiB
  cores   = 4
  memory  = 4GiB

  build {
    packages = ["qemu-guest-agent", "cloud-init", "ca-certificates", "curl", "jq"]
    roles    = [roles.base, roles.docker]
    scripts  = ["apt-get -y autoremove --purge", "apt-get clean"]
  }
}

# Debian with SSH hardening and unattended upgrades applied once, for the
# internet-facing machines (load balancers, VPN, bastion).
template debian-12-hardened {
  host    = pve2
  vmid    = 9011
  image   = os.debian_12
  storage = ceph-vm

  build {
    packages = ["qemu-guest-agent", "unattended-upgrades", "apt-listchanges"]
    roles    = [roles.base, roles.ssh_hardening]
    scripts  = ["apt-get clean"]
  }
}
