// libcrypto (hashing, scrypt, randomness) and libssl, imported into Swift as COpenSSL.
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
