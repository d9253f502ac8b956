// The Merkle tree of RFC 6962 / RFC 9162 §2.1: hashing, roots, inclusion and consistency proofs.
//
//   leaf hash  = SHA-256(0x00 || leaf data)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = node hash(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n
//
// Storage model (the "complete subtree" model). The subtree at (level, index) covers the leaves
// [index * 2^level, (index + 1) * 2^level); it is *complete* in a tree of size n when
// (index + 1) * 2^level <= n. Level 0 holds the leaf hashes. A complete subtree never changes once
// it exists, so a log may store them as it likes (ledger/log.hpp keeps those of every eighth
// level, in tiles of 256, and folds the levels between). Every hash the RFC algorithms need is
// either a complete subtree or a fold of at most log2(n) + 1 of them along the right edge, so a
// root, an inclusion proof or a consistency proof costs O(log n) reads, which the functions below
// request in a single batch.
//
// Nothing here does I/O except through a HashReader. All functions are thread-safe if the reader
// is; MemoryTree and CompactRange are not synchronised.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.hpp"
#include "ledger/bytes.hpp"

namespace muster::ledger {

Hash HashLeaf(ByteView data);
Hash HashNode(const Hash& left, const Hash& right);
// MTH of the empty tree: SHA-256 of the empty string.
Hash EmptyRoot();

// An aligned subtree: leaves [index << level, (index + 1) << level).
struct SubtreeId {
  uint64_t level = 0;
  uint64_t index = 0;
  friend bool operator==(const SubtreeId&, const SubtreeId&) = default;
};

struct SubtreeHash {
  SubtreeId id;
  Hash hash;
};

// Where proofs read complete-subtree hashes from: memory, or database rows (level, index, hash).
class HashReader {
 public:
  virtual ~HashReader() = default;
  // The hash of a complete subtree. NotFound when the reader does not hold it (for example, the
  // subtree is not complete yet).
  virtual Result<Hash> ReadSubtree(SubtreeId id) const = 0;
  // The hashes of `ids`, in the same order. The default calls ReadSubtree for each; a database
  // reader should override it with one query.
  virtual Result<std::vector<Hash>> ReadSubtrees(std::span<const SubtreeId> ids) const;
};

// The complete subtrees whose fold is MTH(D[start:end]), largest first. [start, end) must be a
// subtree of the RFC shape: start a multiple of the largest power of two <= end - start (always
// true for [0, n) and for every node the RFC recursion visits).
std::vector<SubtreeId> RangeSubtrees(uint64_t start, uint64_t end);
// Folds hashes of RangeSubtrees(...) from the right: h0 | h1 | ... into node(h0, node(h1, ...)).
// `hashes` must not be empty.
Hash FoldRange(std::span<const Hash> hashes);

// MTH of the first `size` leaves (EmptyRoot() for 0). O(log size) reads.
Result<Hash> RootAt(const HashReader& reader, uint64_t size);

// PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, the sibling hashes from the leaf upwards.
// InvalidArgument unless index < size. O(log size) reads.
Result<std::vector<Hash>> InclusionProof(const HashReader& reader, uint64_t index, uint64_t size);

// PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1. InvalidArgument unless 0 < size1 <= size2; the
// proof is empty when size1 == size2. O(log size2) reads.
Result<std::vector<Hash>> ConsistencyProof(const HashReader& reader, uint64_t size1, uint64_t size2);

// Verification as RFC 9162 §2.1.3.2 and §2.1.4.2. Ok, or Corruption naming why the proof fails
// ("leaf index 9 is not below tree size 8", "proof has 2 hashes, expected 3", "root mismatch").
// Roots and the leaf hash are taken as raw bytes (a value that is not 32 bytes never verifies,
// except that two equal roots of a tree of equal sizes are compared as given); the overloads
// taking Bytes accept proofs exactly as they arrive off the wire, where an element may have any
// length (and then fails).
Status VerifyInclusion(uint64_t index, uint64_t size, ByteView leaf_hash, std::span<const Hash> proof, ByteView root);
Status VerifyInclusion(uint64_t index, uint64_t size, ByteView leaf_hash, std::span<const Bytes> proof, ByteView root);
// Rejects size1 == 0, size1 > size2, and size1 == size2 unless the proof is empty and the roots
// are equal.
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof, ByteView root1, ByteView root2);
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Bytes> proof, ByteView root1, ByteView root2);

// The right edge of a tree of `size` leaves: the complete subtrees RangeSubtrees(0, size), with
// their hashes. Enough to append leaves and compute the root without reading anything else.
class CompactRange {
 public:
  CompactRange() = default;  // the empty tree
  // `peaks` must be the hashes of RangeSubtrees(0, size), in that order.
  static Result<CompactRange> FromPeaks(uint64_t size, std::vector<Hash> peaks);
  static Result<CompactRange> Load(const HashReader& reader, uint64_t size);

  uint64_t size() const { return size_; }
  const std::vector<Hash>& peaks() const { return peaks_; }
  Hash Root() const;
  // Appends one leaf hash. When `completed` is not null, every subtree this leaf completes is
  // appended to it, the leaf itself (level 0) first, then upwards: exactly the rows a store of
  // complete subtrees must insert.
  void Append(const Hash& leaf_hash, std::vector<SubtreeHash>* completed = nullptr);

 private:
  uint64_t size_ = 0;
  std::vector<Hash> peaks_;  // largest subtree first
};

// A whole tree in memory: every complete subtree hash, appended incrementally (amortised O(1)
// hashes per leaf, about 64 bytes of memory per leaf).
class MemoryTree final : public HashReader {
 public:
  // Appends the leaf with data `data`; returns its index.
  uint64_t AppendData(ByteView data) { return AppendHash(HashLeaf(data)); }
  uint64_t AppendHash(const Hash& leaf_hash);

  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  // MTH of the whole tree.
  Hash Root() const;

  Result<Hash> ReadSubtree(SubtreeId id) const override;

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[l][i]: the subtree (l, i)
};

}  // namespace muster::ledger
