/** The network salt of directory key v1 (docs/design.md §4): one constant shared by the verifier and the directory so both derive the same H. */

/** scrypt salt for `directoryHash` on the Parley network; changing it moves every directory entry. */
export const PARLEY_NETWORK_SALT: Uint8Array = new TextEncoder().encode('parley/directory/v1')
