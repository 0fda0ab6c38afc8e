# Must pass tests/terraform/validate.sh: correct bpg/proxmox 0.111.1 HCL.
# Values the provider validates are either valid literals (enums, ranges,
# mac_address) or unknown at validate time (import_from, template_file_id,
# cdrom.file_id reference other resources or variables), which the stand-in
# must skip.
terraform {
  required_providers {
    proxmox = {
      source  = "bpg/proxmox"
      version = "~> 0.111.1"
    }
  }
}

variable "ops_ssh_key" {
  type    = string
  default = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly ops@example"
}

variable "installer_iso" {
  type    = string
  default = "debian-12.7.0-amd64-netinst.iso"
}

provider "proxmox" {
  endpoint = "https://pve1.example.net:8006/"
  insecure = true

  ssh {
    agent    = true
    username = "root"
  }
}

resource "proxmox_virtual_environment_pool" "lab" {
  pool_id = "lab"
  comment = "Managed by pxic"
}

resource "proxmox_virtual_environment_download_file" "debian_cloud" {
  content_type = "import"
  datastore_id = "local"
  node_name    = "pve1"
  url          = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2"
  file_name    = "debian-12-genericcloud-amd64.qcow2"
}

resource "proxmox_download_file" "debian_lxc" {
  content_type = "vztmpl"
  datastore_id = "local"
  node_name    = "pve1"
  url          = "http://download.proxmox.com/images/system/debian-12-standard_12.7-1_amd64.tar.zst"
}

resource "proxmox_virtual_environment_vm" "web" {
  name      = "web-1"
  node_name = "pve1"
  vm_id     = 201
  pool_id   = proxmox_virtual_environment_pool.lab.pool_id
  on_boot   = true
  tags      = ["pxic", "web"]

  clone {
    vm_id     = 9000
    node_name = "pve1"
    full      = true
  }

  agent {
    enabled = true
    trim    = true
  }

  cpu {
    cores   = 2
    sockets = 1
    type    = "x86-64-v2-AES"
  }

  memory {
    dedicated = 2048
    floating  = 1024
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "scsi0"
    import_from  = proxmox_virtual_environment_download_file.debian_cloud.id
    size         = 20
    discard      = "on"
    ssd          = true
  }

  disk {
    datastore_id = "local-lvm"
    interface    = "scsi1"
    size         = 100
    file_format  = "raw"
    iothread     = true
  }

  network_device {
    bridge      = "vmbr0"
    model       = "virtio"
    mac_address = "BC:24:11:5F:C7:EE"
    vlan_id     = 20
  }

  cdrom {
    interface = "ide2"
    file_id   = "local:iso/${var.installer_iso}"
  }

  initialization {
    datastore_id = "local-lvm"

    dns {
      domain  = "example.net"
      servers = ["192.0.2.53"]
    }

    ip_config {
      ipv4 {
        address = "192.0.2.21/24"
        gateway = "192.0.2.1"
      }
    }

    user_account {
      username = "ops"
      keys     = [var.ops_ssh_key]
    }
  }

  operating_system {
    type = "l26"
  }

  serial_device {}
}

resource "proxmox_virtual_environment_container" "dns" {
  node_name     = "pve1"
  vm_id         = 301
  unprivileged  = true
  start_on_boot = true
  tags          = ["pxic", "dns"]

  cpu {
    cores = 1
  }

  memory {
    dedicated = 512
    swap      = 256
  }

  disk {
    datastore_id = "local-lvm"
    size         = 8
  }

  features {
    nesting = true
  }

  initialization {
    hostname = "dns-1"

    ip_config {
      ipv4 {
        address = "192.0.2.31/24"
        gateway = "192.0.2.1"
      }
    }

    user_account {
      keys = [var.ops_ssh_key]
    }
  }

  network_interface {
    name   = "eth0"
    bridge = "vmbr0"
  }

  operating_system {
    template_file_id = proxmox_download_file.debian_lxc.id
    type             = "debian"
  }
}
