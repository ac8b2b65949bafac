{
  "targets": [
    {
      "target_name": "ddi_sm2",
      "sources": ["sm2.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8", "OPENSSL_API_COMPAT=30000", "OPENSSL_NO_DEPRECATED"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-O2"]
      }
    }
  ]
}
