# An S3 state backend needs a bucket, a key and a region; this one names no bucket.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  state {
    backend = s3
    key     = "lab/terraform.tfstate"
    region  = "us-east-1"
  }
}
