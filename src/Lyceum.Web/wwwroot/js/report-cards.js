// The report-cards page receives its PDF through the circuit (a .NET stream) and offers it as a link to a blob in the
// browser, so the download needs no second request that another server node might get.
export async function blobUrl(streamRef, type) {
  const buffer = await streamRef.arrayBuffer();
  return URL.createObjectURL(new Blob([buffer], { type }));
}

export function revoke(url) {
  URL.revokeObjectURL(url);
}
