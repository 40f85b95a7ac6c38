// manifest.json: what each artifact is (size, sha256, counts) and the history-event bound.
