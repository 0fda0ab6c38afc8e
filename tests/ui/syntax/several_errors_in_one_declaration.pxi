# Several mistakes in one declaration are all reported: each broken line is
# skipped and the rest of the declaration is read again.
host pve1 {
  cores 16
  memory = 64GB
  address 10.0.0.2
  packages = ["htop"]
}
