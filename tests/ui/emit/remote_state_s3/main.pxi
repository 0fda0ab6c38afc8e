# Terraform state in a MinIO bucket: an S3-compatible endpoint, addressed by path,
# with S3's own state locking. Credentials come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, never from the project.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
  state {
    backend    = s3
    bucket     = "tfstate"
    key        = "lab/terraform.tfstate"
    region     = "us-east-1"
    endpoint   = "https://minio.lab.example.org:9000"
    path_style = true
  }
}
