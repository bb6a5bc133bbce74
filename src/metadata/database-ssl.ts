/**
 * PostgreSQL SSL modes the metadata service can use against RDS PostgreSQL 15 and later, which
 * refuse unencrypted connections (`disable`, `allow` and `prefer` are not offered).
 */
export enum DatabaseSslMode {
  /** Encrypt; do not verify the server certificate. */
  REQUIRE = 'require',
  /** Encrypt and verify that the server certificate is signed by a trusted CA. */
  VERIFY_CA = 'verify-ca',
  /** Encrypt, verify the CA and that the certificate names the host connected to. */
  VERIFY_FULL = 'verify-full',
}

/**
 * How the metadata service and its schema migration connect to PostgreSQL over SSL.
 *
 * The verify modes need the RDS CA bundle inside the image, which the upstream image does not
 * ship: build an image from it that adds the bundle for your region and give its path.
 */
export class DatabaseSsl {
  /** Encrypt without verifying the server certificate: works with the upstream image as it is. */
  public static require(): DatabaseSsl {
    return new DatabaseSsl(DatabaseSslMode.REQUIRE);
  }

  /**
   * Encrypt and verify the server certificate against a CA bundle in the image.
   *
   * @param rootCertPath absolute path of the RDS CA bundle (PEM) inside the metadata image
   */
  public static verifyCa(rootCertPath: string): DatabaseSsl {
    return new DatabaseSsl(DatabaseSslMode.VERIFY_CA, rootCertPath);
  }

  /**
   * Encrypt, verify the server certificate against a CA bundle in the image, and check the host name.
   *
   * @param rootCertPath absolute path of the RDS CA bundle (PEM) inside the metadata image
   */
  public static verifyFull(rootCertPath: string): DatabaseSsl {
    return new DatabaseSsl(DatabaseSslMode.VERIFY_FULL, rootCertPath);
  }

  /**
   * @param mode the SSL mode
   * @param rootCertPath the CA bundle's path in the image, for the verify modes
   */
  private constructor(public readonly mode: DatabaseSslMode, public readonly rootCertPath?: string) {}

  /**
   * The container environment for this choice. The metadata service reads the CA path from
   * `MF_METADATA_DB_SSL_ROOT_CERT_PATH` (services/utils/__init__.py) but the migration's
   * `run_goose.py` from `MF_METADATA_DB_SSL_ROOT_CERT` (metaflow-service v2.5.1), so both are set.
   */
  public toEnvironment(): { [name: string]: string } {
    const environment: { [name: string]: string } = { MF_METADATA_DB_SSL_MODE: this.mode };
    if (this.rootCertPath !== undefined) {
      environment.MF_METADATA_DB_SSL_ROOT_CERT_PATH = this.rootCertPath;
      environment.MF_METADATA_DB_SSL_ROOT_CERT = this.rootCertPath;
    }
    return environment;
  }
}
