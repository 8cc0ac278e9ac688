import DPAccounting
import DPRandomness
import Foundation

/// DP-CTGAN training: per step, the discriminator's gradient on a Poisson batch of real rows is
/// clipped per example and noised exactly as in `DPSGDTrainer` (plan cost charged before the
/// first step); its gradient on generated rows and the generator's update read only the noisy
/// discriminator and the DP conditional weights, so they are post-processing.
struct ConditionalGANTrainer {
    let plan: DPSGDPlan
    let learningRate: Float

    func train(
        _ gan: inout ConditionalGAN, rows inputs: Matrix, targets: [[Int]], budget: any PrivacyBudget,
        source: RandomSource, progress: (DPSGDTrainer.Progress) -> Void
    ) throws {
        let table = gan.table
        let discriminatorParameters = gan.discriminator.parameterCount
        precondition(discriminatorParameters == plan.parameters, "the plan was made for the discriminator's parameters")
        let privateGradient = try PrivateGradient(
            plan: plan, budget: budget, mechanism: "dp-sgd (dp-ctgan discriminator)", seeded: source.isSeeded)
        // beta1 = 0.5 as CTGAN trains its GANs.
        var discriminatorOptimizer = AdamOptimizer(
            parameterCount: discriminatorParameters, learningRate: learningRate, beta1: 0.5)
        var generatorOptimizer = AdamOptimizer(
            parameterCount: gan.generator.parameterCount, learningRate: learningRate, beta1: 0.5)
        let fakeCount = plan.expectedBatchSize
        let scale = 1 / Float(plan.expectedBatchSize)
        let reportEvery = max(1, plan.steps / 50)
        for step in 1...plan.steps {
            // Discriminator, real rows: clipped per example, then noised.
            let batch = privateGradient.batch(of: targets.count, source: source)
            var realTraces: [LayerTrace]?
            if !batch.isEmpty {
                var conditions = Matrix(zeros: batch.count, table.width)
                for (row, example) in batch.enumerated() {
                    let column = Int(source.uniform(below: UInt64(table.blocks.count)))
                    conditions[row, table.blocks[column].lowerBound + targets[example][column]] = 1
                }
                let (scores, cache) = gan.discriminator.forward(Matrix.concatenate(inputs.rows(batch), conditions))
                var gradient = scores
                for i in gradient.values.indices { gradient.values[i] = 1 / (1 + exp(-scores.values[i])) - 1 }
                realTraces = gan.discriminator.backward(gradient, cache: cache).traces
            }
            let noisyReal = try privateGradient.noisySum(realTraces, source: source)
            // Discriminator, generated rows (no private data).
            let fakeConditions = gan.drawConditions(fakeCount, source: source)
            let fake = gan.generate(fakeConditions.vectors, source: source)
            let (fakeScores, fakeCache) = gan.discriminator.forward(
                Matrix.concatenate(fake.rows, fakeConditions.vectors))
            var fakeGradient = fakeScores
            for i in fakeGradient.values.indices { fakeGradient.values[i] = 1 / (1 + exp(-fakeScores.values[i])) }
            // Generated rows are clipped like real ones (not for privacy: so that neither side dominates).
            let fakeSum = PerExampleClipping.clippedSum(
                gan.discriminator.backward(fakeGradient, cache: fakeCache).traces, clip: plan.clip)
            discriminatorOptimizer.update(
                &gan.discriminator.layers,
                gradient: zip(noisyReal, fakeSum).map { Float($0 + $1) * scale })
            // Generator: fool the discriminator and honour the condition.
            let conditions = gan.drawConditions(fakeCount, source: source)
            let generated = gan.generate(conditions.vectors, source: source)
            let (scores, cache) = gan.discriminator.forward(Matrix.concatenate(generated.rows, conditions.vectors))
            var gradient = scores
            for i in gradient.values.indices { gradient.values[i] = 1 / (1 + exp(-scores.values[i])) - 1 }
            let inputGradient = gan.discriminator.backward(gradient, cache: cache).inputGradient.columns(
                0..<table.width)
            var logitGradient = GumbelSoftmax.backward(
                inputGradient, output: generated.rows, blocks: table.blocks,
                temperature: ConditionalGAN.temperature)
            for (row, choice) in conditions.choices.enumerated() {
                let block = table.blocks[choice.column]
                var top = -Float.infinity
                for index in block { top = max(top, generated.logits[row, index]) }
                var total: Float = 0
                for index in block { total += exp(generated.logits[row, index] - top) }
                for index in block {
                    let p = exp(generated.logits[row, index] - top) / total
                    logitGradient[row, index] += p - (index == block.lowerBound + choice.category ? 1 : 0)
                }
            }
            let generatorTraces = gan.generator.backward(logitGradient, cache: generated.cache).traces
            let generatorSum = PerExampleClipping.weightedSum(
                generatorTraces, factors: [Float](repeating: 1, count: fakeCount)
            ).flattened
            generatorOptimizer.update(&gan.generator.layers, gradient: generatorSum.map { $0 / Float(fakeCount) })
            if step % reportEvery == 0 || step == plan.steps {
                let spent = try plan.epsilon(afterSteps: step)
                progress(DPSGDTrainer.Progress(step: step, steps: plan.steps, epsilonSoFar: spent))
            }
        }
    }
}
