#ifndef AIRLOCK_COPENSSL_SHIM_H
#define AIRLOCK_COPENSSL_SHIM_H
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/ecdsa.h>
#include <openssl/objects.h>
#include <openssl/asn1.h>
#include <openssl/pkcs12.h>
#include <openssl/ts.h>
#include <openssl/ct.h>
#include <openssl/cms.h>

/* Function-like macros and variadic functions do not import into Swift: wrap them. */

static inline void airlock_openssl_free(void *p) { OPENSSL_free(p); }
static inline void *airlock_openssl_malloc(size_t n) { return OPENSSL_malloc(n); }

static inline long airlock_bio_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }

static inline EVP_PKEY *airlock_evp_ec_gen(const char *curve) { return EVP_EC_gen(curve); }

static inline int airlock_sk_x509_num(const STACK_OF(X509) *s) { return sk_X509_num(s); }
static inline X509 *airlock_sk_x509_value(const STACK_OF(X509) *s, int i) { return sk_X509_value(s, i); }
static inline STACK_OF(X509) *airlock_sk_x509_new_null(void) { return sk_X509_new_null(); }
static inline int airlock_sk_x509_push(STACK_OF(X509) *s, X509 *x) { return sk_X509_push(s, x); }
static inline void airlock_sk_x509_free(STACK_OF(X509) *s) { sk_X509_free(s); }
static inline void airlock_sk_x509_pop_free(STACK_OF(X509) *s) { sk_X509_pop_free(s, X509_free); }

static inline int airlock_sk_general_name_num(const GENERAL_NAMES *s) { return sk_GENERAL_NAME_num(s); }
static inline GENERAL_NAME *airlock_sk_general_name_value(const GENERAL_NAMES *s, int i) { return sk_GENERAL_NAME_value(s, i); }
static inline void airlock_general_names_free(GENERAL_NAMES *s) { GENERAL_NAMES_free(s); }

static inline int airlock_sk_asn1_object_num(const STACK_OF(ASN1_OBJECT) *s) { return sk_ASN1_OBJECT_num(s); }
static inline ASN1_OBJECT *airlock_sk_asn1_object_value(const STACK_OF(ASN1_OBJECT) *s, int i) { return sk_ASN1_OBJECT_value(s, i); }
static inline void airlock_extended_key_usage_free(EXTENDED_KEY_USAGE *s) { sk_ASN1_OBJECT_pop_free(s, ASN1_OBJECT_free); }

static inline unsigned long airlock_xn_flag_rfc2253(void) { return XN_FLAG_RFC2253; }

static inline void airlock_openssl_secure_free(void *p) { OPENSSL_secure_free(p); }
static inline void airlock_openssl_secure_clear_free(void *p, size_t n) { OPENSSL_secure_clear_free(p, n); }
/* Certificates, certificate transparency and timestamps (Certificate*.swift, *Timestamp*.swift). */
static inline GENERAL_NAMES *airlock_general_names_new(void) { return sk_GENERAL_NAME_new_null(); }
static inline int airlock_sk_general_name_push(GENERAL_NAMES *s, GENERAL_NAME *n) { return sk_GENERAL_NAME_push(s, n); }
static inline EXTENDED_KEY_USAGE *airlock_extended_key_usage_new(void) { return sk_ASN1_OBJECT_new_null(); }
static inline int airlock_sk_asn1_object_push(EXTENDED_KEY_USAGE *s, ASN1_OBJECT *o) { return sk_ASN1_OBJECT_push(s, o); }
static inline int airlock_sk_sct_num(const STACK_OF(SCT) *s) { return sk_SCT_num(s); }
static inline SCT *airlock_sk_sct_value(const STACK_OF(SCT) *s, int i) { return sk_SCT_value(s, i); }
static inline STACK_OF(SCT) *airlock_sk_sct_new_null(void) { return sk_SCT_new_null(); }
static inline int airlock_sk_sct_push(STACK_OF(SCT) *s, SCT *x) { return sk_SCT_push(s, x); }
/* The certificates of a PKCS#7 SignedData (NULL for other content types); owned by p7. */
static inline STACK_OF(X509) *airlock_pkcs7_signed_certificates(PKCS7 *p7) {
    return (p7 != NULL && PKCS7_type_is_signed(p7) && p7->d.sign != NULL) ? p7->d.sign->cert : NULL;
}
static inline int airlock_sk_pkcs7_signer_info_num(const STACK_OF(PKCS7_SIGNER_INFO) *s) { return sk_PKCS7_SIGNER_INFO_num(s); }
static inline int airlock_sk_asn1_utf8string_num(const STACK_OF(ASN1_UTF8STRING) *s) { return sk_ASN1_UTF8STRING_num(s); }
static inline ASN1_UTF8STRING *airlock_sk_asn1_utf8string_value(const STACK_OF(ASN1_UTF8STRING) *s, int i) { return sk_ASN1_UTF8STRING_value(s, i); }
static inline int airlock_ts_vfy_signature_and_imprint(void) { return TS_VFY_SIGNATURE | TS_VFY_VERSION | TS_VFY_IMPRINT; }

#endif
