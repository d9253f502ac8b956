#include "ledger/merkle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace muster::ledger {
namespace {

// ---- An independent, literal transcription of RFC 9162 §2.1 over leaf data, for comparison. ----

Hash RefRoot(std::span<const Bytes> d) {
  if (d.empty()) return Sha256(ByteView{});
  if (d.size() == 1) return HashLeaf(d[0]);
  size_t k = std::bit_floor(d.size() - 1);
  return HashNode(RefRoot(d.first(k)), RefRoot(d.subspan(k)));
}

std::vector<Hash> RefPath(size_t m, std::span<const Bytes> d) {
  if (d.size() <= 1) return {};
  size_t k = std::bit_floor(d.size() - 1);
  std::vector<Hash> path;
  if (m < k) {
    path = RefPath(m, d.first(k));
    path.push_back(RefRoot(d.subspan(k)));
  } else {
    path = RefPath(m - k, d.subspan(k));
    path.push_back(RefRoot(d.first(k)));
  }
  return path;
}

std::vector<Hash> RefSubproof(size_t m, std::span<const Bytes> d, bool b) {
  if (m == d.size()) return b ? std::vector<Hash>{} : std::vector<Hash>{RefRoot(d)};
  size_t k = std::bit_floor(d.size() - 1);
  std::vector<Hash> proof;
  if (m <= k) {
    proof = RefSubproof(m, d.first(k), b);
    proof.push_back(RefRoot(d.subspan(k)));
  } else {
    proof = RefSubproof(m - k, d.subspan(k), false);
    proof.push_back(RefRoot(d.first(k)));
  }
  return proof;
}

// The reference tree of RFC 6962's test suite (tests/data/rfc6962/README.md).
std::vector<Bytes> ReferenceLeaves() {
  std::vector<Bytes> leaves;
  for (const char* hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(*HexDecode(hex));
  }
  return leaves;
}

MemoryTree TreeOf(std::span<const Bytes> leaves) {
  MemoryTree tree;
  for (const Bytes& leaf : leaves) tree.AppendData(leaf);
  return tree;
}

std::vector<Bytes> NumberedLeaves(size_t n) {
  std::vector<Bytes> leaves;
  for (size_t i = 0; i < n; ++i) {
    std::string text = "leaf " + std::to_string(i);
    leaves.emplace_back(text.begin(), text.end());
  }
  return leaves;
}

Hash Flip(Hash h, size_t bit) {
  h[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

TEST(MerkleTest, HashesFollowRfc6962) {
  EXPECT_EQ(HexEncode(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // SHA-256 of the single byte 0x00.
  EXPECT_EQ(HexEncode(HashLeaf({})), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  Hash a = HashLeaf(AsBytes("a"));
  Hash b = HashLeaf(AsBytes("b"));
  Bytes input{0x01};
  input.insert(input.end(), a.begin(), a.end());
  input.insert(input.end(), b.begin(), b.end());
  EXPECT_EQ(HashNode(a, b), Sha256(input));
}

TEST(MerkleTest, ReferenceTreeRootsForEverySize) {
  const char* kRoots[] = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  auto leaves = ReferenceLeaves();
  MemoryTree tree = TreeOf(leaves);
  EXPECT_EQ(HexEncode(tree.Root()), kRoots[7]);
  for (uint64_t size = 1; size <= 8; ++size) {
    auto root = RootAt(tree, size);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(HexEncode(*root), kRoots[size - 1]) << "size " << size;
    MemoryTree prefix = TreeOf(std::span(leaves).first(size));
    EXPECT_EQ(HexEncode(prefix.Root()), kRoots[size - 1]) << "size " << size;
  }
  EXPECT_EQ(*RootAt(tree, 0), EmptyRoot());
  EXPECT_EQ(MemoryTree().Root(), EmptyRoot());
}

TEST(MerkleTest, RangeSubtreesDecomposeIntoAlignedCompleteSubtrees) {
  EXPECT_EQ(RangeSubtrees(0, 0), std::vector<SubtreeId>{});
  EXPECT_EQ(RangeSubtrees(0, 1), (std::vector<SubtreeId>{{0, 0}}));
  EXPECT_EQ(RangeSubtrees(0, 7), (std::vector<SubtreeId>{{2, 0}, {1, 2}, {0, 6}}));
  EXPECT_EQ(RangeSubtrees(0, 8), (std::vector<SubtreeId>{{3, 0}}));
  EXPECT_EQ(RangeSubtrees(8, 13), (std::vector<SubtreeId>{{2, 2}, {0, 12}}));
}

// ---- The published vectors, every file of them. ----

std::filesystem::path VectorDir() { return std::filesystem::path(MUSTER_TESTDATA) / "rfc6962"; }

nlohmann::json ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

Bytes B64(const nlohmann::json& j) { return *Base64Decode(j.get<std::string>()); }

std::vector<Bytes> ProofOf(const nlohmann::json& j) {
  std::vector<Bytes> proof;
  if (j.is_null()) return proof;
  for (const auto& element : j) proof.push_back(B64(element));
  return proof;
}

std::vector<Hash> AsHashes(const std::vector<Bytes>& proof) {
  std::vector<Hash> out;
  for (const Bytes& b : proof) {
    Hash h{};
    EXPECT_EQ(b.size(), kHashSize);
    std::copy(b.begin(), b.end(), h.begin());
    out.push_back(h);
  }
  return out;
}

std::vector<std::filesystem::path> VectorFiles(const std::string& kind) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(VectorDir() / kind)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool OverReferenceTree(const std::filesystem::path& file) {
  std::string dir = file.parent_path().filename().string();
  return !dir.empty() && std::isdigit(static_cast<unsigned char>(dir[0])) &&
         file.parent_path().parent_path().filename() != "additional";
}

TEST(MerkleVectorsTest, EveryInclusionVector) {
  auto files = VectorFiles("inclusion");
  ASSERT_GE(files.size(), 60u);
  MemoryTree reference = TreeOf(ReferenceLeaves());
  int happy = 0;
  int broken = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    nlohmann::json v = ReadJson(file);
    uint64_t index = v["leafIdx"].get<uint64_t>();
    uint64_t size = v["treeSize"].get<uint64_t>();
    std::vector<Bytes> proof = ProofOf(v["proof"]);
    Status st = VerifyInclusion(index, size, B64(v["leafHash"]), proof, B64(v["root"]));
    if (v["wantErr"].get<bool>()) {
      EXPECT_FALSE(st.ok()) << v["desc"];
      ++broken;
      continue;
    }
    EXPECT_TRUE(st.ok()) << v["desc"] << ": " << st.ToString();
    ++happy;
    if (OverReferenceTree(file)) {
      // Our generator must produce the very same proof over the reference tree.
      auto generated = InclusionProof(reference, index, size);
      ASSERT_TRUE(generated.ok());
      EXPECT_EQ(*generated, AsHashes(proof));
      EXPECT_EQ(*reference.ReadSubtree({0, index}), AsHashes({B64(v["leafHash"])})[0]);
    }
  }
  EXPECT_GT(happy, 5);
  EXPECT_GT(broken, 50);
}

TEST(MerkleVectorsTest, EveryConsistencyVector) {
  auto files = VectorFiles("consistency");
  ASSERT_GE(files.size(), 90u);
  MemoryTree reference = TreeOf(ReferenceLeaves());
  int happy = 0;
  int broken = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    nlohmann::json v = ReadJson(file);
    uint64_t size1 = v["size1"].get<uint64_t>();
    uint64_t size2 = v["size2"].get<uint64_t>();
    std::vector<Bytes> proof = ProofOf(v["proof"]);
    Status st = VerifyConsistency(size1, size2, proof, B64(v["root1"]), B64(v["root2"]));
    if (v["wantErr"].get<bool>()) {
      EXPECT_FALSE(st.ok()) << v["desc"];
      ++broken;
      continue;
    }
    EXPECT_TRUE(st.ok()) << v["desc"] << ": " << st.ToString();
    ++happy;
    if (OverReferenceTree(file)) {
      auto generated = ConsistencyProof(reference, size1, size2);
      ASSERT_TRUE(generated.ok());
      EXPECT_EQ(*generated, AsHashes(proof));
    }
  }
  EXPECT_GT(happy, 5);
  EXPECT_GT(broken, 80);
}

// ---- Every proof of every tree up to 64 leaves. ----

constexpr uint64_t kMaxSize = 64;

TEST(MerkleExhaustiveTest, RootsMatchTheRfcDefinition) {
  auto leaves = NumberedLeaves(kMaxSize);
  MemoryTree tree;
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    tree.AppendData(leaves[n - 1]);
    Hash expected = RefRoot(std::span(leaves).first(n));
    EXPECT_EQ(tree.Root(), expected) << n;
    for (uint64_t m = 1; m <= n; ++m) EXPECT_EQ(*RootAt(tree, m), RefRoot(std::span(leaves).first(m))) << m;
  }
}

TEST(MerkleExhaustiveTest, EveryInclusionProofVerifiesAndEveryFlippedBitFails) {
  auto leaves = NumberedLeaves(kMaxSize);
  MemoryTree tree = TreeOf(leaves);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    Hash root = *RootAt(tree, n);
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = InclusionProof(tree, i, n);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(*proof, RefPath(i, std::span(leaves).first(n))) << "index " << i << " size " << n;
      Hash leaf = HashLeaf(leaves[i]);
      ASSERT_TRUE(VerifyInclusion(i, n, leaf, *proof, root).ok()) << "index " << i << " size " << n;
      for (size_t e = 0; e < proof->size(); ++e) {
        for (size_t bit = 0; bit < 8 * kHashSize; ++bit) {
          std::vector<Hash> bad = *proof;
          bad[e] = Flip(bad[e], bit);
          ASSERT_FALSE(VerifyInclusion(i, n, leaf, bad, root).ok())
              << i << "/" << n << " element " << e << " bit " << bit;
        }
      }
      for (size_t bit = 0; bit < 8 * kHashSize; ++bit) {
        ASSERT_FALSE(VerifyInclusion(i, n, leaf, *proof, Flip(root, bit)).ok());
        ASSERT_FALSE(VerifyInclusion(i, n, Flip(leaf, bit), *proof, root).ok());
      }
      // Wrong position, wrong size, a hash too few or too many.
      for (uint64_t j = 0; j < n; ++j) {
        if (j != i) {
          EXPECT_FALSE(VerifyInclusion(j, n, leaf, *proof, root).ok()) << i << " as " << j << "/" << n;
        }
      }
      // (The tree size itself is bound by the signed checkpoint, not by the proof: a proof may be
      // valid for more than one size with the same root computation.) A newer root fails.
      if (n < kMaxSize) {
        EXPECT_FALSE(VerifyInclusion(i, n + 1, leaf, *proof, *RootAt(tree, n + 1)).ok());
      }
      if (!proof->empty()) {
        std::vector<Hash> shorter(proof->begin(), proof->end() - 1);
        EXPECT_FALSE(VerifyInclusion(i, n, leaf, shorter, root).ok());
      }
      std::vector<Hash> longer = *proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(i, n, leaf, longer, root).ok());
    }
  }
}

TEST(MerkleExhaustiveTest, EveryConsistencyProofVerifiesAndEveryFlippedBitFails) {
  auto leaves = NumberedLeaves(kMaxSize);
  MemoryTree tree = TreeOf(leaves);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    Hash root2 = *RootAt(tree, n);
    for (uint64_t m = 1; m <= n; ++m) {
      Hash root1 = *RootAt(tree, m);
      auto proof = ConsistencyProof(tree, m, n);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(*proof, m == n ? std::vector<Hash>{} : RefSubproof(m, std::span(leaves).first(n), true))
          << m << " -> " << n;
      ASSERT_TRUE(VerifyConsistency(m, n, *proof, root1, root2).ok()) << m << " -> " << n;
      for (size_t e = 0; e < proof->size(); ++e) {
        for (size_t bit = 0; bit < 8 * kHashSize; ++bit) {
          std::vector<Hash> bad = *proof;
          bad[e] = Flip(bad[e], bit);
          ASSERT_FALSE(VerifyConsistency(m, n, bad, root1, root2).ok()) << m << " -> " << n << " element " << e;
        }
      }
      for (size_t bit = 0; bit < 8 * kHashSize; ++bit) {
        ASSERT_FALSE(VerifyConsistency(m, n, *proof, Flip(root1, bit), root2).ok()) << m << " -> " << n;
        ASSERT_FALSE(VerifyConsistency(m, n, *proof, root1, Flip(root2, bit)).ok()) << m << " -> " << n;
      }
      if (m < n) {
        if (n < kMaxSize) {
          EXPECT_FALSE(VerifyConsistency(m, n + 1, *proof, root1, *RootAt(tree, n + 1)).ok());
        }
        EXPECT_FALSE(VerifyConsistency(n, m, *proof, root2, root1).ok());
        std::vector<Hash> shorter(proof->begin(), proof->end() - 1);
        EXPECT_FALSE(VerifyConsistency(m, n, shorter, root1, root2).ok());
      }
      std::vector<Hash> longer = *proof;
      longer.push_back(root1);
      EXPECT_FALSE(VerifyConsistency(m, n, longer, root1, root2).ok()) << m << " -> " << n;
    }
  }
}

TEST(MerkleTest, RejectsImpossibleRequests) {
  MemoryTree tree = TreeOf(NumberedLeaves(5));
  EXPECT_TRUE(InclusionProof(tree, 5, 5).status().IsInvalidArgument());
  EXPECT_TRUE(InclusionProof(tree, 0, 0).status().IsInvalidArgument());
  EXPECT_TRUE(ConsistencyProof(tree, 0, 3).status().IsInvalidArgument());
  EXPECT_TRUE(ConsistencyProof(tree, 4, 3).status().IsInvalidArgument());
  EXPECT_TRUE(InclusionProof(tree, 1, 6).status().IsNotFound());  // beyond what the tree holds
  Hash h = HashLeaf({});
  Bytes short_hash(31, 0);
  EXPECT_FALSE(VerifyInclusion(0, 1, short_hash, std::vector<Hash>{}, h).ok());
  EXPECT_FALSE(VerifyConsistency(0, 0, std::vector<Hash>{}, h, h).ok());
}

// ---- The storage model: proofs read O(log n) subtrees, in one batch. ----

class CountingReader final : public HashReader {
 public:
  explicit CountingReader(const HashReader& inner) : inner_(inner) {}
  Result<Hash> ReadSubtree(SubtreeId id) const override {
    ++reads;
    return inner_.ReadSubtree(id);
  }
  Result<std::vector<Hash>> ReadSubtrees(std::span<const SubtreeId> ids) const override {
    ++batches;
    return HashReader::ReadSubtrees(ids);
  }
  mutable uint64_t reads = 0;
  mutable uint64_t batches = 0;

 private:
  const HashReader& inner_;
};

TEST(MerkleTest, ProofsReadLogarithmicallyManySubtreesInOneBatch) {
  MemoryTree tree;
  constexpr uint64_t kLeaves = (1u << 20) + 12345;
  for (uint64_t i = 0; i < kLeaves; ++i) {
    Hash h{};
    std::memcpy(h.data(), &i, sizeof i);
    tree.AppendHash(h);
  }
  const uint64_t log_n = std::bit_width(kLeaves);  // 21
  for (uint64_t size : {kLeaves, kLeaves - 1, uint64_t{1} << 20, uint64_t{1000001}}) {
    for (uint64_t index : {uint64_t{0}, uint64_t{1}, size / 2, size - 2, size - 1}) {
      CountingReader counter(tree);
      auto proof = InclusionProof(counter, index, size);
      ASSERT_TRUE(proof.ok());
      EXPECT_EQ(counter.batches, 1u);
      EXPECT_LE(counter.reads, 2 * log_n) << index << "/" << size;
      EXPECT_TRUE(VerifyInclusion(index, size, *tree.ReadSubtree({0, index}), *proof, *RootAt(tree, size)).ok());
    }
    for (uint64_t from : {uint64_t{1}, uint64_t{3}, size / 3, size - 1}) {
      CountingReader counter(tree);
      auto proof = ConsistencyProof(counter, from, size);
      ASSERT_TRUE(proof.ok());
      EXPECT_EQ(counter.batches, 1u);
      EXPECT_LE(counter.reads, 3 * log_n) << from << "->" << size;
      EXPECT_TRUE(VerifyConsistency(from, size, *proof, *RootAt(tree, from), *RootAt(tree, size)).ok());
    }
    CountingReader counter(tree);
    ASSERT_TRUE(RootAt(counter, size).ok());
    EXPECT_LE(counter.reads, log_n);
  }
}

TEST(CompactRangeTest, EmitsExactlyTheCompleteSubtreesAndTracksTheRoot) {
  auto leaves = NumberedLeaves(100);
  MemoryTree tree;
  CompactRange range;
  std::vector<SubtreeHash> rows;
  EXPECT_EQ(range.Root(), EmptyRoot());
  for (uint64_t i = 0; i < leaves.size(); ++i) {
    tree.AppendData(leaves[i]);
    range.Append(HashLeaf(leaves[i]), &rows);
    EXPECT_EQ(range.size(), i + 1);
    EXPECT_EQ(range.Root(), tree.Root());
  }
  // Every complete subtree of a 100-leaf tree, once each: 100 + 50 + 25 + 12 + 6 + 3 + 1.
  EXPECT_EQ(rows.size(), 197u);
  for (const SubtreeHash& row : rows) {
    auto stored = tree.ReadSubtree(row.id);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(*stored, row.hash) << row.id.level << "/" << row.id.index;
  }
}

TEST(CompactRangeTest, ResumesFromStoredPeaks) {
  auto leaves = NumberedLeaves(77);
  MemoryTree tree = TreeOf(std::span(leaves).first(45));
  auto range = CompactRange::Load(tree, 45);
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->peaks().size(), 4u);  // 45 = 32 + 8 + 4 + 1
  EXPECT_EQ(range->Root(), tree.Root());
  for (size_t i = 45; i < leaves.size(); ++i) {
    range->Append(HashLeaf(leaves[i]));
    tree.AppendData(leaves[i]);
  }
  EXPECT_EQ(range->Root(), RefRoot(leaves));
  EXPECT_EQ(tree.Root(), RefRoot(leaves));
  EXPECT_TRUE(CompactRange::FromPeaks(45, {Hash{}, Hash{}}).status().IsInvalidArgument());
  EXPECT_TRUE(CompactRange::FromPeaks(0, {}).ok());
}

}  // namespace
}  // namespace muster::ledger
